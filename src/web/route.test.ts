/** Hash routes round-trip, including ids holding slashes and commas. */
import { describe, expect, it } from "vitest";
import { parseRoute, routeHash, type Route } from "./route.js";

describe("routes", () => {
  it("round-trips every view", () => {
    const routes: Route[] = [
      { view: "home" },
      { view: "run", id: "sweep/a,b run" },
      { view: "compare", ids: ["s/a", "s/b,c", "d"] },
      { view: "sweep", id: "." },
      { view: "playground" },
      { view: "playground", id: "s/a" },
      { view: "train" },
    ];
    for (const r of routes) expect(parseRoute(routeHash(r))).toEqual(r);
  });

  it("sends unknown or empty hashes home", () => {
    for (const h of ["", "#", "#/", "#/nope/x", "#/run/"]) expect(parseRoute(h)).toEqual({ view: "home" });
    expect(parseRoute("#/run/%E0%A4%A")).toEqual({ view: "run", id: "%E0%A4%A" });
  });
});

/**
 * The dashboard's URLs are hashes, so the server has one page to send and a view can be
 * bookmarked: #/ (runs and sweeps), #/run/ID, #/compare/ID,ID,…, #/sweep/ID, #/playground[/ID], #/train.
 * Ids are percent-encoded one by one, so a comma or slash inside an id survives.
 */

/** What a view is told besides its route. */
export interface ViewContext {
  /** True while this view is still the one on screen (false once the user navigated away). */
  current(): boolean;
}

export type Route =
  | { view: "home" }
  | { view: "run"; id: string }
  | { view: "compare"; ids: string[] }
  | { view: "sweep"; id: string }
  | { view: "playground"; id?: string }
  | { view: "train" };

export function parseRoute(hash: string): Route {
  const [, view = "", ...rest] = hash.replace(/^#/, "").split("/");
  const arg = rest.join("/");
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (view === "run" && arg) return { view: "run", id: decode(arg) };
  if (view === "sweep" && arg) return { view: "sweep", id: decode(arg) };
  if (view === "compare") return { view: "compare", ids: arg.split(",").filter(Boolean).map(decode) };
  if (view === "train") return { view: "train" };
  if (view === "playground") return arg ? { view: "playground", id: decode(arg) } : { view: "playground" };
  return { view: "home" };
}

export function routeHash(route: Route): string {
  const e = encodeURIComponent;
  switch (route.view) {
    case "home":
      return "#/";
    case "run":
    case "sweep":
      return `#/${route.view}/${e(route.id)}`;
    case "compare":
      return `#/compare/${route.ids.map(e).join(",")}`;
    case "train":
      return "#/train";
    case "playground":
      return route.id ? `#/playground/${e(route.id)}` : "#/playground";
  }
}

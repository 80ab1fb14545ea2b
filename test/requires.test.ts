/** The skip mechanism itself: titles carry the reason, and SCULPT_TEST_REQUIRE_ALL=1 turns a skip into an error. */
import { afterEach, describe, expect, it } from "vitest";
import { allOf, chromium, condition, python, redisServer, requirement, which } from "./requires.js";

const saved = { ...process.env };
afterEach(() => {
  for (const k of ["SCULPT_TEST_REQUIRE_ALL", "SCULPT_REDIS_SERVER", "SCULPT_CHROMIUM", "SCULPT_PYTHON"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("test requirements", () => {
  it("puts the reason in the title of what it skips", () => {
    delete process.env.SCULPT_TEST_REQUIRE_ALL; // CI sets it; here an unmet requirement must skip, not throw
    const r = requirement("redis-server not found on PATH: apt-get install redis-server");
    expect(r.ok).toBe(false);
    expect(r.title("queue")).toBe("queue (skipped: redis-server not found on PATH: apt-get install redis-server)");
    const met = requirement(null);
    expect([met.ok, met.reason, met.title("queue")]).toEqual([true, "", "queue"]);
    expect(allOf(met, r, requirement("b missing")).reason).toBe(`${r.reason}; b missing`);
  });

  it("under SCULPT_TEST_REQUIRE_ALL=1 an unmet requirement throws, a condition does not", () => {
    process.env.SCULPT_TEST_REQUIRE_ALL = "1";
    expect(() => requirement("chromium not found")).toThrow("SCULPT_TEST_REQUIRE_ALL=1, but chromium not found");
    expect(requirement(null).ok).toBe(true);
    expect(condition("this machine has a GPU").ok).toBe(false);
  });

  it("names the program and how to install it; an override pointing at nothing is unmet", () => {
    delete process.env.SCULPT_TEST_REQUIRE_ALL;
    process.env.SCULPT_REDIS_SERVER = "/nonexistent/redis-server";
    expect(redisServer().reason).toBe(
      "SCULPT_REDIS_SERVER=/nonexistent/redis-server is not an executable: apt-get install redis-server (or brew install redis)",
    );
    process.env.SCULPT_CHROMIUM = "/nonexistent/chromium";
    expect(chromium().reason).toMatch(/^SCULPT_CHROMIUM=\/nonexistent\/chromium is not an executable: apt-get install chromium/);
    process.env.SCULPT_PYTHON = "/nonexistent/python3";
    expect(python("sklearn").reason).toBe(
      "python3 with sklearn not found (tried /nonexistent/python3): apt-get install python3-sklearn (or pip install scikit-learn; SCULPT_PYTHON picks the interpreter)",
    );
  });

  it("finds programs on PATH and absolute paths", () => {
    expect(which(process.execPath)).toBe(process.execPath);
    expect(which("no-such-program-sculpt")).toBeNull();
    expect(which("/nonexistent/x")).toBeNull();
  });
});

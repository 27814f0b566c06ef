// Reads a payload the Python tests wrote (tests/ui/components/test_js_payloads.py) for a component's JS test.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const PAYLOADS = process.env.JS_PAYLOADS || join(ROOT, "build", "js-payloads");

export function payload(name) {
  const path = join(PAYLOADS, `${name}.json`);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`python -m pytest tests/ui/components\` first (it writes the payloads).`);
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

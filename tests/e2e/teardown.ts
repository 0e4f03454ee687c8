// Removes this run's temp dir (collector config + SQLite database).
import * as fs from "node:fs";

export default function teardown() {
  const dir = process.env.RAPPORT_E2E_DIR;
  if (dir && /rapport-e2e-/.test(dir)) fs.rmSync(dir, { recursive: true, force: true });
}

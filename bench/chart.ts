/**
 * The benchmark chart: throughput per server and test as grouped bars, rendered to SVG with Vega-Lite
 * (headless: Vega's `toSVG` needs no browser).
 *
 * @module
 */

import * as vega from "vega";
import * as vl from "vega-lite";

export interface ChartInput {
  server: string;
  throughput: Record<string, number>;
}

export async function chartSvg(results: ChartInput[]): Promise<string> {
  const data = results.flatMap((r) =>
    Object.entries(r.throughput).map(([test, rps]) => ({ server: r.server, test, rps: Math.round(rps) }))
  );
  const spec: vl.TopLevelSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: "Valkyr vs reference servers: redis-benchmark requests per second",
    data: { values: data },
    mark: "bar",
    width: 120,
    height: 240,
    encoding: {
      column: { field: "test", type: "nominal", title: null },
      x: { field: "server", type: "nominal", axis: { labelAngle: -30 }, title: null },
      y: { field: "rps", type: "quantitative", title: "requests/s" },
      color: { field: "server", type: "nominal" },
    },
  };
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

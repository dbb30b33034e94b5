// Types of what Python sends the frontend (checked by tsc; nothing here runs). The Python
// side documents the same: vmapwidget.diagram.describe (AxisExplorer's `diagram`), the
// frame header of GridExplorer (`_frame_meta`) and its `_status`.

/**
 * @typedef {[number, number]} Range  an index range [start, end)
 *
 * @typedef {{
 *   path: string, shape: number[], dtype: string, values: string[] | null,
 *   axes: (number | null)[], arg?: number, fault?: boolean, keyword?: boolean,
 * }} Leaf  one array of the diagram; `axes[level]` is the axis that level's batch index walks
 *
 * @typedef {{ index: string, size: number }} Level  one vmap level (outermost first)
 * @typedef {{ text: string } | { level: number }} Segment  code text, or a level's index
 *
 * @typedef {{
 *   kind: "in_axes" | "out_axes", level: number, arg: number | null, name: string,
 *   known: boolean, options: (number | null)[], value: number | null, text: string,
 *   editable: boolean,
 * }} Selector
 *
 * @typedef {{
 *   depth: number, levels: Level[], inputs: Leaf[], outputs: Leaf[],
 *   call: Segment[] | null, writes: Segment[], error: string | null,
 *   error_side: string | null, error_level: number | null, error_args: number[],
 *   jax_code: string, loop_code: string | null, selectors: Selector[],
 *   collectives?: Collective[], axis_names?: (string | null)[], axis_size?: number | null,
 *   sharding?: import("./device_split.js").Sharding | null,
 * }} Diagram
 *
 * @typedef {{
 *   level: number, name: string, axis_names: unknown[], out_shapes: number[][],
 *   params: Record<string, string>, step: number,
 * }} Collective  a collective the function uses, over the axis name of vmap level `level`
 *
 * @typedef {{ call: string, error?: string, outputs: Leaf[] }} Unbatched
 *
 * @typedef {{
 *   id: number, nx: number, ny: number, sx?: number, sy?: number,
 *   x_range: [number, number], y_range: [number, number], encoding: string,
 *   vmin: number, vmax: number, nonfinite: number, partial?: boolean,
 *   limits?: [number, number], norm?: string, levels?: number | null, nonpositive?: number,
 * }} FrameMeta  the header of a GridExplorer frame (see vmapwidget's grid_frames); vmin and
 *   vmax are what the buffer encodes (log10 of `limits` under a log norm)
 *
 * @typedef {{
 *   level?: number, levels?: number, resolution?: number, done?: number,
 *   elapsed_ms?: number, expected_ms?: number, final?: boolean, stopped?: boolean,
 * }} Progress  how far the evaluation of the picture drawn got (see vmapwidget's grid_evaluator)
 *
 * @typedef {{
 *   vid?: string | null, seq?: number | null, kernel_ms: number, compiles: number,
 *   frames: number, formula_column?: number | null, progress?: Progress, error?: string,
 *   devices?: number,
 * }} GridStatus  GridExplorer's `_status`: the request it answers and the last evaluation
 *
 * @typedef {{ lo: number, hi: number, step: number, name: string }} ParamSpec
 */

export {};

/** Tile grid sizing: the column count that gives the largest tiles of a fixed aspect ratio in the space. */
export interface Grid {
  cols: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
}

export function bestGrid(count: number, width: number, height: number, aspect = 16 / 9, gap = 8): Grid {
  if (count <= 0 || width <= 0 || height <= 0) return { cols: 0, rows: 0, tileWidth: 0, tileHeight: 0 };
  let best: Grid = { cols: 1, rows: count, tileWidth: 0, tileHeight: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const tileWidth = Math.min(cellW, cellH * aspect);
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth: Math.floor(tileWidth), tileHeight: Math.floor(tileWidth / aspect) };
  }
  return best;
}

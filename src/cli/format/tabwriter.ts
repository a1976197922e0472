/**
 * Column alignment like Go's text/tabwriter with the docker CLI's settings
 * (minwidth 10, tabwidth 1, padding 3, padchar ' '): each tab-terminated cell
 * is padded to max(10, longest cell + 3); the last cell of a line is printed
 * as is. Checked against `docker images` in 06-images.txt
 * ("TAG       IMAGE ID": 3 letters + 7 spaces).
 */
const MIN_WIDTH = 10;
const PADDING = 3;

function displayWidth(text: string): number {
  return [...text].length;
}

export function alignColumns(lines: string[], minWidth = MIN_WIDTH): string {
  const rows = lines.map((line) => line.split("\t"));
  const widths: number[] = [];
  for (const cells of rows) {
    cells.slice(0, -1).forEach((cell, i) => {
      const width = displayWidth(cell) > 0 ? displayWidth(cell) + PADDING : 0;
      widths[i] = Math.max(widths[i] ?? minWidth, width);
    });
  }
  return rows
    .map((cells) =>
      cells.map((cell, i) => (i < cells.length - 1 ? cell + " ".repeat(Math.max(0, widths[i]! - displayWidth(cell))) : cell)).join(""),
    )
    .map((line) => line + "\n")
    .join("");
}

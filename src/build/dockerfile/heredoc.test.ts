import { test } from "node:test";
import assert from "node:assert/strict";
import { chompHeredoc, heredocMarkersInLine, parseHeredocMarker } from "./heredoc.js";

test("heredoc markers: names, quoting, chomp", () => {
  assert.deepEqual(parseHeredocMarker("<<EOF"), { name: "EOF", expand: true, chomp: false });
  assert.deepEqual(parseHeredocMarker("<<-EOF"), { name: "EOF", expand: true, chomp: true });
  assert.deepEqual(parseHeredocMarker("2<<EOF"), { name: "EOF", expand: true, chomp: false });
  assert.deepEqual(parseHeredocMarker('<<"EOF"'), { name: "EOF", expand: false, chomp: false });
  assert.deepEqual(parseHeredocMarker("<<-'E O'"), { name: "E O", expand: false, chomp: true });
  assert.deepEqual(parseHeredocMarker("<<file.txt"), { name: "file.txt", expand: true, chomp: false });
  assert.deepEqual(parseHeredocMarker("<<$X"), { name: "$X", expand: true, chomp: false });
  assert.deepEqual(parseHeredocMarker("<<- EOF"), { name: "EOF", expand: true, chomp: true });
  for (const no of ["<<", "<<-", "a<<EOF", "<<<EOF", "<<E<F", "EOF", "<<a b"]) assert.equal(parseHeredocMarker(no), undefined, no);
});

test("heredoc markers in a line, in order, not inside quotes", () => {
  assert.deepEqual(heredocMarkersInLine("RUN cat <<A >a && cat <<-'B' > b").map((m) => m.name), ["A", "B"]);
  assert.deepEqual(heredocMarkersInLine("RUN echo '<<A' \"<<B\""), []);
  assert.deepEqual(heredocMarkersInLine("RUN echo 'unterminated <<A"), []);
  assert.deepEqual(heredocMarkersInLine("RUN cat << EOF > /f && cat <<-  'X'").map((m) => [m.name, m.expand, m.chomp]), [["EOF", true, false], ["X", false, true]]);
  assert.deepEqual(heredocMarkersInLine("RUN cat <<$EOF").map((m) => m.name), ["$EOF"], "unset variables stay as written");
});

test("chompHeredoc strips leading tabs only", () => {
  assert.equal(chompHeredoc("\t\ta\n  b\n\tc\t\n"), "a\n  b\nc\t\n");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../errors/index.js";
import { DockerIgnore, alwaysIncluded, cleanPath } from "./dockerignore.js";

/** [patterns, path, excluded?] — Docker's patternmatcher behaviour. */
const cases: Array<[string, string, boolean]> = [
  ["*", "fileutils.go", true],
  ["*", "a/b/c", true],
  ["*.go", "fileutils.go", true],
  ["*.go", "a/b.go", false],
  ["*/*.go", "a/b.go", true],
  ["**/*.go", "a/b/c.go", true],
  ["**/*.go", "c.go", true],
  ["**", "anything/at/all", true],
  ["docs", "docs/a/b.md", true],
  ["docs", "docsx", false],
  ["/docs", "docs/a.md", true],
  ["./docs/", "docs/a.md", true],
  ["docs/../src", "src/x", true],
  ["a/**", "a/b", true],
  ["a/**", "a", false],
  ["a/**/x", "a/x", true],
  ["a/**/x", "a/b/c/x", true],
  ["a/**/x", "a/b/c/y", false],
  ["**/foo", "foo", true],
  ["**/foo", "x/y/foo", true],
  ["**/foo", "xfoo", false],
  ["**/foo", "foo/bar", true],
  ["**foo", "barfoo", true], // patternmatcher's suffix shortcut
  ["foo**", "foobar", true], // and its prefix shortcut
  ["a?c", "abc", true],
  ["a?c", "a/c", false],
  ["[a-c]x", "bx", true],
  ["[a-c]x", "dx", false],
  ["[^a]x", "bx", true],
  ["[^a]x", "ax", false],
  ["a\\*b", "a*b", true],
  ["a\\*b", "axb", false],
  ["a.b", "axb", false],
  ["a+(b)|{c}$", "a+(b)|{c}$", true],
  ["dir/*", "dir/x/y", true],
  ["*.md\n!README.md", "README.md", false],
  ["*.md\n!README.md", "x.md", true],
  ["docs\n!docs/keep.md", "docs/keep.md", false],
  ["docs\n!docs/keep.md", "docs/other.md", true],
  ["!docs\ndocs", "docs/x", true],
  ["docs\n!docs", "docs/x", false],
  ["docs\n!docs/sub\ndocs/sub/y", "docs/sub/x", false],
  ["docs\n!docs/sub\ndocs/sub/y", "docs/sub/y", true],
  // checked against dockerd 20.10.24 + docker CLI 28: the last pattern is not tried on the parent "xx/deep"
  ["xx\n!xx/deep/keep\nxx/deep", "xx/deep/keep", false],
  ["xx\n!xx/deep/keep\nxx/deep", "xx/deep/other", true],
  ["# comment\n\n   \nfoo", "foo", true],
  ["# foo", "foo", false],
  [" # foo", "# foo", true],
  ["  foo  \r", "foo", true],
  ["\ufefffoo", "foo", true],
  ["é*", "été", true],
];
for (const [patterns, path, want] of cases) {
  test(`dockerignore ${JSON.stringify(patterns)} ${path} → ${want}`, () => {
    assert.equal(DockerIgnore.parse(patterns).matches(path), want);
  });
}

test("match() step by step equals matches() on the whole path", () => {
  const ig = DockerIgnore.parse("xx\n!xx/deep/keep\nxx/deep\n*.md\n!docs/**");
  for (const path of ["xx/deep/keep", "xx/deep/other", "a/b/c.md", "docs/x/y.md", "docs", "README.md"]) {
    let info;
    let excluded = false;
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) ({ excluded, info } = ig.match(parts.slice(0, i).join("/"), info));
    assert.equal(excluded, ig.matches(path), path);
  }
  assert.equal(ig.match("a/b/c.md").excluded, false, "without parent results a nested *.md is not matched");
  assert.equal(DockerIgnore.parse("a").match("a/b/c").excluded, true, "without parent results the parents are tried");
});

test("paths given to matches are cleaned; the context root is never excluded", () => {
  const ig = DockerIgnore.parse("a/b\n*");
  assert.equal(ig.matches("./a/b"), true);
  assert.equal(ig.matches("/a//b/"), true);
  assert.equal(ig.matches("."), false);
  assert.equal(ig.matches(""), false);
  assert.equal(DockerIgnore.parse("").isEmpty, true);
  assert.equal(DockerIgnore.parse("").matches("x"), false);
});

test("patterns are cleaned like Go's filepath.Clean", () => {
  assert.deepEqual(DockerIgnore.parse("/a\n./b/\n!/c//d/.\ne/../f\n..\n/").patterns, ["a", "b", "!c/d", "f", "..", "/"]);
  assert.equal(cleanPath(""), ".");
  assert.equal(cleanPath("a//b/./c/.."), "a/b");
  assert.equal(cleanPath("/../x"), "/x");
  assert.equal(cleanPath("../x/"), "../x");
});

test("bad patterns are an InvalidArgumentError", () => {
  for (const bad of ["[", "a[b", "a\\", "[]", "[a-]", "[z-a]", "!", "!  "]) {
    assert.throws(() => DockerIgnore.parse(bad), InvalidArgumentError, bad);
  }
});

test("the Dockerfile and .dockerignore are always included", () => {
  assert.deepEqual(alwaysIncluded(), [".dockerignore", "Dockerfile"]);
  assert.deepEqual(alwaysIncluded("./build//Dockerfile.dev"), [".dockerignore", "build/Dockerfile.dev"]);
  const ig = DockerIgnore.parse("*\nbuild", { alwaysInclude: alwaysIncluded("build/Dockerfile.dev") });
  assert.equal(ig.matches("Dockerfile"), true, "not the Dockerfile in use");
  assert.equal(ig.matches("build/Dockerfile.dev"), false);
  assert.equal(ig.matches(".dockerignore"), false);
  assert.equal(ig.matches("build/other"), true);
  assert.equal(ig.mayHaveExceptionsUnder("build"), true);
  // nothing appended when nothing excludes them
  assert.deepEqual(DockerIgnore.parse("x", { alwaysInclude: alwaysIncluded() }).patterns, ["x"]);
});

test("mayHaveExceptionsUnder: Docker's prefix rule for descending into an excluded directory", () => {
  assert.equal(DockerIgnore.parse("node_modules").mayHaveExceptionsUnder("node_modules"), false);
  const keep = DockerIgnore.parse("node_modules\n!node_modules/keep/x.js");
  assert.equal(keep.mayHaveExceptionsUnder("node_modules"), true);
  assert.equal(keep.mayHaveExceptionsUnder("node_modules/keep"), true);
  assert.equal(keep.mayHaveExceptionsUnder("./node_modules/keep/"), true);
  assert.equal(keep.mayHaveExceptionsUnder("node_modules/other"), false);
  assert.equal(keep.mayHaveExceptionsUnder("node_mod"), false, "whole segments only");
  assert.equal(keep.mayHaveExceptionsUnder("."), true);
  assert.equal(DockerIgnore.parse("a").mayHaveExceptionsUnder("."), false);
  assert.equal(DockerIgnore.parse("build\n!build").mayHaveExceptionsUnder("build"), true);
  // Docker (moby#30018) does not look through wildcards: checked against dockerd 20.10.24
  assert.equal(DockerIgnore.parse("*\n!*/keep").mayHaveExceptionsUnder("w"), false);
  assert.equal(DockerIgnore.parse("x\n!**/keep").mayHaveExceptionsUnder("x"), false);
  // what the walker may skip really is all excluded
  const ig = DockerIgnore.parse("build\n!build/keep/a.txt\n!src/**");
  for (const [dir, file] of [["build/other", "build/other/a.txt"], ["build/keep/sub", "build/keep/sub/a.txt"]]) {
    assert.equal(ig.matches(dir), true);
    assert.equal(ig.mayHaveExceptionsUnder(dir), false, dir);
    assert.equal(ig.matches(file), true, file);
  }
  assert.equal(ig.mayHaveExceptionsUnder("build/keep"), true);
  assert.equal(ig.matches("build/keep/a.txt"), false);
});

test("removedAfterReading: the Dockerfile and .dockerignore leave the context when excluded", () => {
  assert.deepEqual(DockerIgnore.parse("*").removedAfterReading(), [".dockerignore", "Dockerfile"]);
  assert.deepEqual(DockerIgnore.parse("sub\n.dockerignore").removedAfterReading("sub/Dockerfile.x"), [".dockerignore", "sub/Dockerfile.x"]);
  assert.deepEqual(DockerIgnore.parse("*.md").removedAfterReading(), []);
});

test("hostile patterns match in linear time", () => {
  const deep = DockerIgnore.parse("**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/a/**/b");
  assert.equal(deep.matches("a/".repeat(2000) + "c"), false);
  assert.equal(deep.matches("a/".repeat(10) + "b"), true);
  const stars = DockerIgnore.parse("*a*a*a*a*a*a*a*a*a*a*b");
  assert.equal(stars.matches("a".repeat(5000) + "c"), false);
  const many = DockerIgnore.parse(Array.from({ length: 20_000 }, (_, i) => `dir${i}/**/*.tmp`).join("\n"));
  assert.equal(many.matches("dir19999/x/y.tmp"), true);
  assert.throws(() => DockerIgnore.parse("x".repeat(10 * 1024 * 1024 + 1)), InvalidArgumentError);
});

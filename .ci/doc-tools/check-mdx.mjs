// Compiles every page given with the MDX compiler Docusaurus 3 uses (@mdx-js/mdx 3) and the
// remark plugins Docusaurus adds (front matter, GFM tables, directives for admonitions), without
// Docusaurus's MDX 1 compatibility for HTML comments: a page must be valid MDX as written. Also
// checks what compiling alone lets through but a Docusaurus build or page load would not: front
// matter that is not YAML, an admonition type Docusaurus does not have, a JSX component that is
// not imported. Prints FILE:LINE:COL: error: MESSAGE; exits 1 on any error, 2 on no input.
import {readFile} from 'node:fs/promises';
import {createProcessor} from '@mdx-js/mdx';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import {visit} from 'unist-util-visit';
import yaml from 'js-yaml';

const ADMONITIONS = new Set(['note', 'tip', 'info', 'warning', 'danger', 'caution']);
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: check-mdx.mjs FILE.md...');
  process.exit(2);
}

let failed = 0;
const failing = new Set();
const report = (file, place, message) => {
  const line = place?.line ?? place?.start?.line ?? 1;
  const column = place?.column ?? place?.start?.column ?? 1;
  console.error(`${file}:${line}:${column}: error: ${message}`);
  failed += 1;
  failing.add(file);
};

for (const file of files) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    report(file, null, `cannot read: ${e.message}`);
    continue;
  }
  const processor = createProcessor({remarkPlugins: [remarkFrontmatter, remarkGfm, remarkDirective]});
  let tree;
  try {
    // The syntax tree as parsed (with the plugins' syntax), for the checks below; then the
    // whole compile to JavaScript.
    tree = processor.parse(text);
    await processor.process(text);
  } catch (e) {
    report(file, e.place ?? {line: e.line, column: e.column}, e.reason ?? e.message);
    continue;
  }
  const imported = new Set();
  visit(tree, 'mdxjsEsm', (node) => {
    for (const m of node.value.matchAll(/import\s+(\w+)/g)) imported.add(m[1]);
    // The pages import Docusaurus's own components and nothing else: any other ES module code
    // came from text that should have been escaped, and would run when the site builds.
    for (const line of node.value.split('\n')) {
      if (!/^import \w+ from '@theme\/\w+';$/.test(line)) report(file, node.position, `unexpected ES module code: ${line}`);
    }
  });
  visit(tree, (node) => {
    if (node.type === 'yaml') {
      try {
        const data = yaml.load(node.value);
        if (data === null || typeof data !== 'object') report(file, node.position, 'front matter is not a mapping');
      } catch (e) {
        report(file, node.position, `front matter is not YAML: ${e.reason ?? e.message}`);
      }
    } else if (node.type === 'containerDirective' && !ADMONITIONS.has(node.name)) {
      report(file, node.position, `:::${node.name} is not a Docusaurus admonition`);
    } else if (node.type === 'leafDirective' || node.type === 'textDirective') {
      report(file, node.position, `directive ${node.name} would be swallowed by Docusaurus`);
    } else if ((node.type === 'mdxJsxFlowElement' || node.type === 'mdxJsxTextElement') && node.name
      && /^[A-Z]/.test(node.name) && !imported.has(node.name)) {
      report(file, node.position, `<${node.name}> is used but not imported`);
    }
  });
}
console.log(`check-mdx: ${files.length - failing.size} passed, ${failing.size} failed (${failed} errors)`);
process.exit(failed ? 1 : 0);

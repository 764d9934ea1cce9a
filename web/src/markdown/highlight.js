// Code blocks' syntax highlighting: highlight.js through lowlight, with only a few common languages registered
// (the bundle stays small). lowlight answers a hast tree, which becomes Preact vnodes here: text stays text.
import { createLowlight } from 'lowlight';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { h } from 'preact';

const lowlight = createLowlight({ bash, c, cpp, css, diff, go, javascript, json, python, rust, sql, typescript, xml, yaml });
lowlight.registerAlias({ bash: ['sh', 'shell', 'zsh'], xml: ['html', 'svg'], javascript: ['js', 'jsx', 'mjs'], typescript: ['ts', 'tsx'], python: ['py'], rust: ['rs'], yaml: ['yml'], cpp: ['c++', 'hpp', 'cc'], c: ['h'] });

/** Is lang (a code block's language, as written after ```) one that is highlighted? */
export function knownLanguage(lang) {
  return !!lang && lowlight.registered(lang.toLowerCase());
}

function toVnodes(nodes) {
  return nodes.map((n) => {
    if (n.type === 'text') return n.value;
    if (n.type !== 'element') return null;
    const cls = n.properties && n.properties.className;
    // lowlight only makes spans with classes; anything else keeps its text only.
    return n.tagName === 'span' ? h('span', { class: Array.isArray(cls) ? cls.join(' ') : undefined }, toVnodes(n.children || [])) : toVnodes(n.children || []);
  });
}

/** The code's highlighted vnodes (the plain text when lang is not registered or highlighting fails). */
export function highlight(code, lang) {
  if (!knownLanguage(lang)) return code;
  try {
    return toVnodes(lowlight.highlight(lang.toLowerCase(), code).children);
  } catch {
    return code;
  }
}

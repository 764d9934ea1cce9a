// Message text into a tree of Discord's markdown, with discord-markdown-parser's rules (on its copy of
// simple-markdown): those of a user's message plus masked links [text](url) and lists, which Discord's client
// also reads in messages. Nodes are plain objects ({type, content, ...}); render.jsx draws them.
import { rulesExtended, SimpleMarkdown } from 'discord-markdown-parser';

const { list } = SimpleMarkdown.defaultRules;

const BULLET = /^([*+-]|\d+\.) /;

// simple-markdown reads lists in block scope only; messages are parsed inline, so a list starts wherever a line
// does (the list rule itself checks that the text before it ends a line). As in Discord, a bullet of the other
// kind (- after 1., or 1. after -) at the list's own indent starts a new list.
const lists = {
  ...list,
  match(source, state, prev) {
    const m = list.match(source, { ...state, inline: false }, prev);
    if (!m) return m;
    const ordered = m[2].length > 1;
    const lines = m[0].split('\n');
    const cut = lines.findIndex((line, i) => {
      if (i === 0 || !line.startsWith(m[1])) return false;
      const b = BULLET.exec(line.slice(m[1].length));
      return b && b[1].length > 1 !== ordered;
    });
    if (cut < 0) return m;
    const shorter = [lines.slice(0, cut).join('\n') + '\n', m[1], m[2]];
    shorter.index = 0;
    shorter.input = m.input;
    return shorter;
  },
};

const rules = { ...rulesExtended, list: lists };
// Commands and guild navigation links are not in this server: they stay text.
delete rules.slashCommand;
delete rules.guildNavigation;

const parser = SimpleMarkdown.parserFor(rules);

/** The markdown tree of a message's content (inline scope, as Discord parses messages). */
export function parseMarkdown(text) {
  return parser(String(text), { inline: true });
}

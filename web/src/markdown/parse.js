// Message text into a tree of Discord's markdown, with discord-markdown-parser's rules (on its copy of
// simple-markdown): those of a user's message plus masked links [text](url) and lists, which Discord's client
// also reads in messages. Nodes are plain objects ({type, content, ...}); render.jsx draws them.
import { rulesExtended, SimpleMarkdown } from 'discord-markdown-parser';

const { list } = SimpleMarkdown.defaultRules;

// simple-markdown reads lists in block scope only; messages are parsed inline, so a list starts wherever a line
// does (the list rule itself checks that the text before it ends a line).
const lists = {
  ...list,
  match: (source, state, prev) => list.match(source, { ...state, inline: false }, prev),
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

import { describe, expect, it } from 'vitest';
import { parseInstructions } from '../../src/dockerfile/instructions.js';

const parse = (text: string) => parseInstructions(text, 'Dockerfile');
const brief = (text: string) => parse(text).instructions.map((i) => `${i.line} ${i.keyword} ${i.args}`);

describe('parseInstructions', () => {
  it('reads one instruction per line, keywords in any case, comments and blank lines dropped', () => {
    expect(brief('# a comment\n\nfrom node:20 as build\n  RUN npm ci\n\tcopy . /app\n')).toEqual([
      '3 FROM node:20 as build',
      '4 RUN npm ci',
      '5 COPY . /app',
    ]);
  });

  it('joins continuation lines, skipping comment and empty lines inside them', () => {
    expect(brief('FROM \\\n  debian:bookworm \\  \n# not here\n\n  AS base\nRUN true\n')).toEqual([
      '1 FROM debian:bookworm   AS base',
      '6 RUN true',
    ]);
  });

  it('honours the escape directive: a backtick continues lines and a backslash is plain', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore `\n  AS win\nWORKDIR C:\\app\n';
    const parsed = parse(text);
    expect(parsed.escape).toBe('`');
    expect(parsed.instructions.map((i) => i.args)).toEqual([
      'mcr.microsoft.com/windows/servercore   AS win',
      'C:\\app',
    ]);
  });

  it('reads directives only at the very top: after a blank line an escape line is a comment', () => {
    const parsed = parse('# syntax=docker/dockerfile:1\n\n# escape=`\nFROM a\n');
    expect(parsed.escape).toBe('\\');
    expect(parsed.instructions).toHaveLength(1);
  });

  it('refuses an escape directive that is neither backslash nor backtick, naming the line', () => {
    expect(() => parse('# escape=x\nFROM a\n')).toThrow(/^Dockerfile:1: invalid escape directive 'x'/);
  });

  it('skips heredoc bodies, so a FROM line inside one is not an instruction', () => {
    const text = [
      'FROM debian:bookworm',
      'RUN <<EOF cat > /x && <<-"TWO" cat > /y',
      'FROM evil:1',
      'EOF',
      '\tFROM evil:2',
      '\tTWO',
      'COPY <<EOF /etc/conf',
      'FROM evil:3',
      'EOF',
      'FROM scratch',
    ].join('\n');
    expect(brief(text).map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      '1 FROM debian:bookworm',
      '2 RUN <<EOF',
      '7 COPY <<EOF',
      '10 FROM scratch',
    ]);
  });

  it('does not take a here-string-like word in a quoted shell command for a heredoc terminator it must find', () => {
    // `<<` needs a word start; `a<<b` inside a word is shell arithmetic, not a heredoc.
    expect(brief('FROM a\nRUN echo $((1<<2))\nFROM b\n')).toHaveLength(3);
  });

  it('says so when a heredoc is never closed', () => {
    expect(() => parse('FROM a\nRUN <<EOF\necho\n')).toThrow(/Dockerfile:2: heredoc 'EOF' is never closed/);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    expect(brief('\uFEFFFROM a \\\r\n AS b\r\nRUN x\r\n')).toEqual(['1 FROM a  AS b', '3 RUN x']);
  });

  it('refuses a line that is not an instruction, with its line number', () => {
    expect(() => parse('FROM a\n--flag x\n')).toThrow(
      /^Dockerfile:2: cannot read '--flag x' as an instruction/,
    );
  });

  it('refuses a file too large to be a Dockerfile', () => {
    expect(() => parse('#'.repeat(4 * 1024 * 1024 + 1))).toThrow(/larger than/);
  });
});

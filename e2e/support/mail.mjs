// Mail as the SMTP sink received it: a Maildir of raw messages, decoded here just enough to
// read the plain-text part.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';

function decodeQuotedPrintable(text) {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeHeader(value) {
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind, data) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')));
}

function split(raw) {
  const at = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function decodeBody(headers, body) {
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The recipient, subject and plain text of a raw message. */
export function parse(raw) {
  const { headers, body } = split(raw);
  let text = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  if (boundary) {
    for (const part of body.split(`--${boundary}`)) {
      const parsed = split(part.replace(/^\r?\n/, ''));
      if ((parsed.headers['content-type'] ?? '').startsWith('text/plain')) {
        text = decodeBody(parsed.headers, parsed.body);
      }
    }
  } else {
    text = decodeBody(headers, body);
  }
  return { to: headers.to ?? '', subject: decodeHeader(headers.subject ?? ''), text };
}

/** Every message received, oldest first. */
function messages() {
  const dir = path.join(process.env.OPUNTIA_E2E_MAILDIR, 'new');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .map((name) => ({ name, at: fs.statSync(path.join(dir, name)).mtimeMs }))
    .sort((a, b) => a.at - b.at)
    .map(({ name }) => parse(fs.readFileSync(path.join(dir, name), 'utf8')));
}

/** Waits (polling) for a mail to `to` whose subject contains `subject`. */
export async function mailTo(to, subject) {
  let found;
  await expect
    .poll(() => {
      found = messages().find((m) => m.to.includes(to) && m.subject.includes(subject));
      return Boolean(found);
    }, { message: `a mail to ${to} about « ${subject} »`, timeout: 20_000 })
    .toBe(true);
  return found;
}

/** Waits for a mail to `to` about `subject` beyond the `count` such mails already there, and
 *  answers the newest: a second code, a renewed link. */
export async function newMailTo(to, subject, count = 0) {
  let found = [];
  await expect
    .poll(() => {
      found = messages().filter((m) => m.to.includes(to) && m.subject.includes(subject));
      return found.length > count;
    }, { message: `a new mail to ${to} about « ${subject} »`, timeout: 20_000 })
    .toBe(true);
  return found[found.length - 1];
}

/** How many mails to `to` about `subject` arrived so far. */
export function mailCount(to, subject) {
  return messages().filter((m) => m.to.includes(to) && m.subject.includes(subject)).length;
}

/** The generated password of an invitation mail. */
export function passwordIn(text) {
  const line = text.split(/\r?\n/).find((l) => l.trim().startsWith('Mot de passe : '));
  return line.trim().slice('Mot de passe : '.length).trim();
}

/** The link of a « Mot de passe oublié » mail, as a path. */
export function resetPathIn(text) {
  const url = /https?:\/\/\S+token=\S+/.exec(text)[0];
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

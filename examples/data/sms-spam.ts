import { resolve } from 'node:path';
import { findDataset } from './datasets-dir';
import { lines, textChunks } from './text-stream';

export interface SmsMessage {
  label: 'ham' | 'spam';
  text: string;
}

/** SMS Spam Collection lines: `ham<TAB>text` or `spam<TAB>text` (the text may hold further tabs). */
export async function readSmsSpam(input: AsyncIterable<string> | Iterable<string>): Promise<SmsMessage[]> {
  const messages: SmsMessage[] = [];
  let lineNumber = 0;
  for await (const line of lines(input)) {
    lineNumber++;
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const label = line.slice(0, tab);
    if (tab < 0 || (label !== 'ham' && label !== 'spam')) {
      throw new Error(`SMS spam line ${lineNumber}: expected 'ham' or 'spam', a tab, then the text`);
    }
    messages.push({ label, text: line.slice(tab + 1) });
  }
  return messages;
}

export function readSmsSpamFile(path: string): Promise<SmsMessage[]> {
  return readSmsSpam(textChunks(path));
}

/** The SMS Spam Collection, or { skipped: reason } when it is not in the datasets folder. */
export async function loadSmsSpam(dataDir?: string): Promise<SmsMessage[] | { skipped: string }> {
  const found = findDataset('sms_spam', ['SMSSpamCollection'], dataDir);
  if (!found.ok) return { skipped: found.reason };
  return readSmsSpamFile(resolve(found.dir, 'SMSSpamCollection'));
}

import { resolve } from 'node:path';
import { textLineDataset } from '@weft/data';
import { findDataset } from './datasets-dir';

export interface SmsMessage {
  label: 'ham' | 'spam';
  text: string;
}

/** SMS Spam Collection lines: `ham<TAB>text` or `spam<TAB>text` (the text may hold further tabs). */
export async function readSmsSpamFile(path: string): Promise<SmsMessage[]> {
  const messages: SmsMessage[] = [];
  for await (const { line, text } of textLineDataset(path)) {
    const tab = text.indexOf('\t');
    const label = text.slice(0, tab);
    if (tab < 0 || (label !== 'ham' && label !== 'spam')) {
      throw new Error(`${path}, line ${line}: expected 'ham' or 'spam', a tab, then the text`);
    }
    messages.push({ label, text: text.slice(tab + 1) });
  }
  return messages;
}

/** The SMS Spam Collection, or { skipped: reason } when it is not in the datasets folder. */
export async function loadSmsSpam(dataDir?: string): Promise<SmsMessage[] | { skipped: string }> {
  const found = findDataset('sms_spam', ['SMSSpamCollection'], dataDir);
  if (!found.ok) return { skipped: found.reason };
  return readSmsSpamFile(resolve(found.dir, 'SMSSpamCollection'));
}

// The text of a file an admin hands us (a target list, a PEM file), decoded the same way in the app,
// the browser page and the CLI. Windows tools write UTF-16 with a byte-order mark (Excel's
// "Unicode text", PowerShell 5's Out-File); everything else is read as UTF-8. Pure and browser-safe.

/** The file's text without its byte-order mark; invalid UTF-8 becomes U+FFFD, never an exception. */
export function decodeTextFile(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // TextDecoder drops a UTF-8 BOM itself.
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The decoded text is not text: NUL characters, or many undecodable bytes and control characters
 * (a spreadsheet saved as .xlsx, an executable, a certificate in DER). Quoting it back would only show noise.
 */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096);
  if (sample.includes('\u0000')) return true;
  const noise = sample.match(/[\ufffd\u0001-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
  return sample.length > 0 && noise / sample.length > 0.1;
}

/**
 * Saves text as a file the browser downloads (a `blob:` URL made in the page; nothing leaves it).
 * @module
 */

/** Offers `text` for download as `fileName`. */
export function downloadText(fileName: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the URL is not needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file name made of safe characters only. */
export const safeFileName = (name: string): string => name.replace(/[^A-Za-z0-9._-]+/g, '_');

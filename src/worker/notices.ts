/** Notices the worker sends the page outside any request: storage that failed under a store the worker owns. */
let sink: (text: string) => void = () => undefined;

export function setNoticeSink(send: (text: string) => void): void {
  sink = send;
}

export function notice(text: string): void {
  sink(text);
}

/** What to tell the user when the browser refuses to store something, by what it costs them. */
export function storageRefused(what: string, consequence: string): (error: Error) => void {
  return (error) => {
    const full = error.name === 'QuotaExceededError' || /quota/i.test(error.message);
    const why = full ? 'its storage quota for this site is used up' : `${error.name}: ${error.message}`;
    notice(`The browser would not store the ${what} (${why}). ${consequence} To free space: Clear beside the feature cache (Features step) or the weight cache (Model step), or this site's data in the browser's settings.`);
  };
}

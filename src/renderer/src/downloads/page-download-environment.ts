import type { DownloadEnvironment } from './text-file-download.js';

/** Saving in this page: an object URL for the blob and a hidden link with a download attribute. */
export const pageDownloadEnvironment: DownloadEnvironment = {
  createObjectURL: (blob) => URL.createObjectURL(blob),
  revokeObjectURL: (url) => URL.revokeObjectURL(url),
  clickDownloadLink(url, fileName) {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    link.hidden = true;
    document.body.append(link);
    try {
      link.click();
    } finally {
      link.remove();
    }
  },
  later: (callback, ms) => void window.setTimeout(callback, ms),
};

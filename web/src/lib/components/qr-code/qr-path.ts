/**
 * A QR code as one SVG path, computed with the bundled `qrcode` library (its matrix, not its SVG
 * string): rendered by Svelte as an ordinary element, so no markup is ever injected and nothing is
 * requested from elsewhere.
 */
import QRCode from 'qrcode';

export interface QrShape {
  /** Modules per side, quiet zone included. */
  size: number;
  path: string;
}

export function qrShape(text: string, quiet = 2): QrShape {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let path = '';
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      if (modules.data[y * n + x]) path += `M${x + quiet} ${y + quiet}h1v1h-1z`;
    }
  }
  return { size: n + 2 * quiet, path };
}

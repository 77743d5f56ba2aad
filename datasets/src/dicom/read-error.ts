import { ScoresdeError } from '@scoresde/core';

/**
 * Why a file could not be read as an image: not DICOM at all, malformed / truncated, a valid
 * non-image object (SR, PR, RT, DICOMDIR, image IOD without Pixel Data), or an image whose
 * encoding the reader does not support. The message is one line, prefixed with the source.
 */
export type DicomReadErrorKind = 'not-dicom' | 'malformed' | 'not-image' | 'unsupported';

export class DicomReadError extends ScoresdeError {
  constructor(
    readonly kind: DicomReadErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

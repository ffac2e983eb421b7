package org.learnchain.node.api;

import java.io.IOException;
import java.io.OutputStream;

/** One file of a problem upload: its declared size, what arrived, and where it is spooled. */
final class UploadPart {
  /** How refusals name it ("training", "test labels"). */
  final String what;

  /** Its name in the upload's spool directory. */
  String file;

  long declared;
  long received;
  OutputStream stream;

  UploadPart(String what, String file) {
    this.what = what;
    this.file = file;
  }

  /** Whether any of its data arrived. */
  boolean started() {
    return stream != null;
  }

  /** Closes its spool file, if one was opened (again is harmless). */
  void close() throws IOException {
    if (stream != null) {
      stream.close();
    }
  }
}

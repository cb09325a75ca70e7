package dev.skiff.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shim's interactive options (docs/shim-protocol.md): its attach socket, whether it holds the
 * output until an attach client releases it (a client waits for this start), whether the process
 * gets a stdin pipe, and the terminal's initial size (0 = none given).
 */
public record AttachOptions(Path socket, boolean holdOutput, boolean stdin, int rows, int cols) {

  List<String> args() {
    List<String> a = new ArrayList<>(List.of("--attach-socket", socket.toString()));
    if (holdOutput) {
      a.add("--hold-output");
    }
    if (stdin) {
      a.add("--stdin");
    }
    if (rows > 0 && cols > 0) {
      a.add("--console-size");
      a.add(rows + "x" + cols);
    }
    return a;
  }
}

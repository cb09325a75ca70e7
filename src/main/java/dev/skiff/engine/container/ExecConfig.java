package dev.skiff.engine.container;

import java.util.List;

/** What an exec session runs (the create body of both API flavours, nulls already resolved). */
public record ExecConfig(List<String> cmd, List<String> env, String workDir, String user, boolean privileged,
    boolean tty, boolean attachStdin, boolean attachStdout, boolean attachStderr, String detachKeys) {

  public ExecConfig {
    cmd = cmd == null ? List.of() : List.copyOf(cmd);
    env = env == null ? List.of() : List.copyOf(env);
    workDir = workDir == null ? "" : workDir;
    user = user == null ? "" : user;
    detachKeys = detachKeys == null ? "" : detachKeys;
  }
}

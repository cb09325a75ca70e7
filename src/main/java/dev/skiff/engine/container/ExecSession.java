package dev.skiff.engine.container;

/**
 * One exec session: created, then started once, then exited with a code.
 *
 * @param pid the process's host pid while running (0 before and after)
 */
public record ExecSession(String id, String containerId, ExecConfig config, State state, long pid, int exitCode) {

  public enum State { CREATED, RUNNING, EXITED }

  ExecSession running(long newPid) {
    return new ExecSession(id, containerId, config, State.RUNNING, newPid, 0);
  }

  ExecSession exited(int code) {
    return new ExecSession(id, containerId, config, State.EXITED, 0, code);
  }

  ExecSession starting() {
    return new ExecSession(id, containerId, config, State.RUNNING, 0, 0);
  }

  public boolean isRunning() {
    return state == State.RUNNING;
  }
}

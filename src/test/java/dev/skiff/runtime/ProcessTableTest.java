package dev.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessTableTest {

  @Test
  void statWithSpacesAndParenthesesInComm_isParsed() {
    String stat = "4242 (my (odd) proc) S 1 4242 4242 34816 4242 4194304 100 0 0 0 7 3 2 1 20 5 1 0 12345 8388608 300 "
        + "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    var status = ProcessTable.parseStatus("Name:\tx\nUid:\t1000\t1001\t1001\t1001\nGid:\t5\t6\t6\t6\nNSpid:\t4242\t7\nThreads:\t3\n");
    var p = ProcessTable.parse(4242, stat, status, "sh\0-c\0echo a b\0".getBytes(StandardCharsets.UTF_8), new long[] {11, 22});
    assertEquals("my (odd) proc", p.comm());
    assertEquals(7, p.nsPid());
    assertEquals(1, p.hostPpid());
    assertEquals('S', p.state());
    assertEquals(10, p.cpuTicks());
    assertEquals(3, p.childCpuTicks());
    assertEquals(12345, p.startTicks());
    assertEquals(8388608, p.vszBytes());
    assertEquals(300, p.rssPages());
    assertEquals(5, p.nice());
    assertEquals(34816, p.ttyNr());
    assertEquals(List.of("sh", "-c", "echo a b"), p.args());
    assertEquals(1001, p.uids()[1]);
    assertEquals(6, p.gids()[1]);
    assertEquals(11, p.readBytes());
    assertEquals(22, p.writeBytes());
  }
}

package org.mnistspark.minicluster;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler;

/**
 * HDFS (a NameNode and one DataNode) and YARN (a ResourceManager and NodeManagers, each a set of
 * threads here; containers are processes of their own) on 127.0.0.1, for YarnClusterIT:
 *
 * <pre>java -cp minicluster.jar:lib/* org.mnistspark.minicluster.MiniHadoop CONF_DIR NODEMANAGERS NM_MEMORY_MB</pre>
 *
 * Run it in the folder it may fill (MiniYARNCluster works under ./target). It writes core-site.xml and
 * yarn-site.xml into CONF_DIR (HADOOP_CONF_DIR for spark-submit), then the file CONF_DIR/ready holding
 * HDFS's URI, and runs until it is killed.
 */
public final class MiniHadoop {
    private MiniHadoop() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: MiniHadoop CONF_DIR NODEMANAGERS NM_MEMORY_MB");
            System.exit(2);
        }
        Path confDir = Path.of(args[0]).toAbsolutePath();
        int nodeManagers = Integer.parseInt(args[1]);
        int memoryMb = Integer.parseInt(args[2]);
        // NodeManagers advertise this host name (MiniYARNCluster uses it) and listen on 127.0.0.1 only.
        InetAddress host = InetAddress.getLocalHost();
        if (!host.isLoopbackAddress()) {
            throw new IllegalStateException("this host's name " + host.getHostName() + " resolves to "
                    + host.getHostAddress() + ", not 127.0.0.1: the NodeManagers, which listen on 127.0.0.1 only, "
                    + "would be unreachable under it (add it to /etc/hosts as 127.0.0.1)");
        }

        Configuration dfsConf = new Configuration();
        dfsConf.set("dfs.replication", "1");
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(dfsConf, new File("dfs").getAbsoluteFile())
                .numDataNodes(1)
                .format(true)
                .build(); // NameNode and DataNode bind to 127.0.0.1
        dfs.waitActive();
        String hdfs = dfs.getURI().toString();

        YarnConfiguration yarnConf = new YarnConfiguration();
        yarnConf.set("fs.defaultFS", hdfs);
        yarnConf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
        for (String key : new String[] {
            YarnConfiguration.RM_ADDRESS,
            YarnConfiguration.RM_SCHEDULER_ADDRESS,
            YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
            YarnConfiguration.RM_ADMIN_ADDRESS,
            YarnConfiguration.RM_WEBAPP_ADDRESS
        }) {
            yarnConf.set(key, "127.0.0.1:" + freeLoopbackPort());
        }
        yarnConf.set(YarnConfiguration.RM_BIND_HOST, "127.0.0.1");
        yarnConf.set(YarnConfiguration.NM_BIND_HOST, "127.0.0.1");
        yarnConf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, memoryMb);
        yarnConf.setInt(YarnConfiguration.NM_VCORES, 4);
        yarnConf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        // A build machine's disk may be fuller than the 90% at which a NodeManager stops taking containers.
        yarnConf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f);
        // FIFO: no share of the cluster reserved against ApplicationMasters (the capacity scheduler's 10%
        // would hold a cluster-mode driver's container back).
        yarnConf.setClass(YarnConfiguration.RM_SCHEDULER, FifoScheduler.class, Object.class);
        MiniYARNCluster yarn = new MiniYARNCluster("mini-yarn", nodeManagers, 1, 1);
        yarn.init(yarnConf);
        yarn.start();
        if (!yarn.waitForNodeManagersToConnect(60_000)) {
            throw new IllegalStateException("the NodeManagers did not register with the ResourceManager");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            yarn.stop(); // stops the NodeManagers, which end their containers
            dfs.shutdown();
        }));

        Files.createDirectories(confDir);
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", hdfs);
        core.set("dfs.replication", "1");
        write(core, confDir.resolve("core-site.xml"));
        Configuration site = new Configuration(false);
        for (Map.Entry<String, String> entry : yarn.getConfig()) {
            if (entry.getKey().startsWith("yarn.")) {
                site.set(entry.getKey(), entry.getValue());
            }
        }
        write(site, confDir.resolve("yarn-site.xml"));
        Path ready = confDir.resolve("ready.tmp");
        Files.writeString(ready, hdfs + "\n");
        Files.move(ready, confDir.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
        System.out.println("MiniHadoop ready: " + hdfs + ", ResourceManager "
                + yarn.getConfig().get(YarnConfiguration.RM_ADDRESS) + ", " + nodeManagers + " NodeManagers");
        Thread.currentThread().join(); // until killed; the shutdown hook stops the daemons
    }

    private static void write(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

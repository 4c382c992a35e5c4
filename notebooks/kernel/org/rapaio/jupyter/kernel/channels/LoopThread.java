package org.rapaio.jupyter.kernel.channels;

/**
 * rapaio-jupyter-kernel 3.0.1's LoopThread with one change: {@code running} is set before the thread
 * starts. The original sets it after {@code Thread.start()}, so when the new thread runs first it sees
 * {@code running == false} and ends at once; the kernel's channel then never answers, and about one
 * kernel start in five hung until Jupyter's start-up timeout. submit/notebook.sh compiles this class
 * into a folder placed ahead of the kernel's jar on the kernel's class path.
 */
public final class LoopThread extends Thread {

    private volatile boolean running = false;
    private final long sleep;
    private final Runnable loopBody;

    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        while (running) {
            loopBody.run();
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        running = true; // before the thread can look at it
        super.start();
    }

    public void shutdown() {
        running = false;
    }
}

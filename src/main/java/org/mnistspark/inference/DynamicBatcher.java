package org.mnistspark.inference;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Dynamic batching, as TorchServe and Triton do it: the images of requests that arrive together go through
 * the network in one forward pass, and share its fixed cost (DL4J's calls per layer, over 1 ms).
 *
 * <p>It has no thread of its own. A request thread that submits its images while no forward pass is running
 * runs them, for everything queued, until the queue is empty; otherwise it returns at once, and the running
 * thread answers its request. One forward pass at a time: two at once, each of fewer images, were slower
 * (measured). Before each pass the runner waits for the requests other request threads are still reading,
 * and for those that have arrived for them to read, at most {@code maxWait} after the oldest queued request
 * came; with none coming it waits for nothing, so a lone client pays no wait. A pass takes up to
 * {@code maxBatch} images. At most {@code maxQueued} images wait; a request beyond that is refused.
 */
final class DynamicBatcher {
    /** A forward pass: {@code count} images' pixels in, their class probabilities out. */
    interface Forward {
        float[][] probabilities(byte[] pixels, int count);
    }

    private record Request(byte[] pixels, int count, long queuedAt, CompletableFuture<float[][]> answer) {}

    private final Forward forward;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final int threads;
    private final int maxQueued;
    private final IntSupplier arrived;
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    private int queuedImages;
    private int reading;
    private boolean running;

    /**
     * @param threads the request threads
     * @param arrived how many requests have arrived that no request thread reads yet
     */
    DynamicBatcher(Forward forward, int maxBatch, Duration maxWait, int threads, int maxQueued, IntSupplier arrived) {
        this.forward = forward;
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.threads = threads;
        this.maxQueued = maxQueued;
        this.arrived = arrived;
    }

    /** A request thread begins reading a body; it ends with {@link #submit} or {@link #readingStopped}. */
    synchronized void readingStarted() {
        reading++;
    }

    /** The body read was not submitted (it was refused). */
    synchronized void readingStopped() {
        reading--;
        notifyAll();
    }

    /**
     * Ends this thread's reading and queues {@code count} images; {@code answer} completes with their
     * probabilities, in order, or the forward pass's exception, on the thread that runs it (maybe this one,
     * before this returns). False, with nothing queued, when {@code maxQueued} images wait already.
     */
    boolean submit(byte[] pixels, int count, CompletableFuture<float[][]> answer) {
        synchronized (this) {
            reading--;
            notifyAll();
            if (queuedImages > 0 && queuedImages + count > maxQueued) {
                return false;
            }
            queue.add(new Request(pixels, count, System.nanoTime(), answer));
            queuedImages += count;
            if (running) {
                return true;
            }
            running = true;
        }
        runWhileQueued();
        return true;
    }

    /** Images waiting for a forward pass. */
    synchronized int queuedImages() {
        return queuedImages;
    }

    private void runWhileQueued() {
        while (true) {
            List<Request> batch = new ArrayList<>();
            int images = 0;
            synchronized (this) {
                awaitBatch();
                if (queue.isEmpty()) {
                    running = false;
                    return;
                }
                while (!queue.isEmpty()
                        && (batch.isEmpty() || images + queue.peek().count() <= maxBatch)) {
                    Request request = queue.poll();
                    batch.add(request);
                    images += request.count();
                }
                queuedImages -= images;
            }
            run(batch, images);
        }
    }

    /**
     * While fewer than maxBatch images are queued and more are coming (being read, or arrived for another
     * request thread to read): waits, up to maxWait after the oldest queued request.
     */
    private void awaitBatch() {
        try {
            while (!queue.isEmpty()
                    && queuedImages < maxBatch
                    && (reading > 0 || threads > 1 && arrived.getAsInt() > 0)) {
                long left = queue.peek().queuedAt() + maxWaitNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) { // the server stops: run what is queued without waiting
            Thread.currentThread().interrupt();
        }
    }

    private void run(List<Request> batch, int images) {
        float[][] probabilities = new float[images][];
        try {
            byte[] pixels = batch.get(0).pixels();
            if (batch.size() > 1) {
                pixels = new byte[images * DigitModel.PIXELS];
                int offset = 0;
                for (Request request : batch) {
                    System.arraycopy(request.pixels(), 0, pixels, offset, request.pixels().length);
                    offset += request.pixels().length;
                }
            }
            for (int from = 0; from < images; from += maxBatch) { // one request may hold more than maxBatch
                int count = Math.min(maxBatch, images - from);
                byte[] part = count == images
                        ? pixels
                        : Arrays.copyOfRange(pixels, from * DigitModel.PIXELS, (from + count) * DigitModel.PIXELS);
                System.arraycopy(forward.probabilities(part, count), 0, probabilities, from, count);
            }
        } catch (Throwable e) { // each request answers it; the runner goes on
            batch.forEach(request -> request.answer().completeExceptionally(e));
            return;
        }
        int from = 0;
        for (Request request : batch) {
            request.answer().complete(Arrays.copyOfRange(probabilities, from, from + request.count()));
            from += request.count();
        }
    }
}

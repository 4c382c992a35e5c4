package org.mnistspark.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching without a model: a forward pass that records the batches it gets, answers each image
 * with its first pixel, and can be held while requests queue, so that which requests share a forward pass
 * is decided by the test, not by timing.
 */
class DynamicBatcherTest {
    static final Duration LONG = Duration.ofSeconds(60);

    /** Records each forward pass's image count; the first waits for {@link #release}. */
    static final class HeldForward implements DynamicBatcher.Forward {
        final List<Integer> counts = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public float[][] probabilities(byte[] pixels, int count) {
            counts.add(count);
            started.countDown();
            try {
                assertThat(release.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            float[][] answers = new float[count][];
            for (int i = 0; i < count; i++) {
                answers[i] = new float[] {pixels[i * DigitModel.PIXELS]};
            }
            return answers;
        }
    }

    /** Images whose first pixels are {@code first}, {@code first + 1}, …. */
    static byte[] images(int first, int count) {
        byte[] pixels = new byte[count * DigitModel.PIXELS];
        for (int i = 0; i < count; i++) {
            pixels[i * DigitModel.PIXELS] = (byte) (first + i);
        }
        return pixels;
    }

    static float[][] answers(int first, int count) {
        float[][] answers = new float[count][];
        for (int i = 0; i < count; i++) {
            answers[i] = new float[] {first + i};
        }
        return answers;
    }

    /** Submits from a new thread, which runs the forward passes when none is running. */
    static Thread submitting(DynamicBatcher batcher, int first, int count, CompletableFuture<float[][]> answer) {
        Thread thread = new Thread(() -> {
            batcher.readingStarted();
            batcher.submit(images(first, count), count, answer);
        });
        thread.start();
        return thread;
    }

    static CompletableFuture<float[][]> submit(DynamicBatcher batcher, int first, int count) {
        CompletableFuture<float[][]> answer = new CompletableFuture<>();
        batcher.readingStarted();
        assertThat(batcher.submit(images(first, count), count, answer)).isTrue();
        return answer;
    }

    static void finish(Thread thread) throws InterruptedException {
        thread.join(LONG.toMillis());
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void requestsQueuedDuringAForwardPassShareTheNextAndGetTheirOwnAnswers() throws Exception {
        HeldForward forward = new HeldForward();
        DynamicBatcher batcher = new DynamicBatcher(forward, 256, Duration.ZERO, 2, 1000, () -> 0);
        CompletableFuture<float[][]> first = new CompletableFuture<>();
        Thread runner = submitting(batcher, 1, 1, first);
        assertThat(forward.started.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CompletableFuture<float[][]> a = submit(batcher, 10, 2);
        CompletableFuture<float[][]> b = submit(batcher, 20, 3);
        CompletableFuture<float[][]> c = submit(batcher, 30, 1);
        assertThat(List.of(first, a, b, c)).noneMatch(CompletableFuture::isDone);
        forward.release.countDown();
        finish(runner);
        assertThat(forward.counts).containsExactly(1, 6);
        assertThat(first.get()).isDeepEqualTo(answers(1, 1));
        assertThat(a.get()).isDeepEqualTo(answers(10, 2));
        assertThat(b.get()).isDeepEqualTo(answers(20, 3));
        assertThat(c.get()).isDeepEqualTo(answers(30, 1));
    }

    @Test
    void theRunnerWaitsForARequestBeingReadButNotWithoutOne() throws Exception {
        for (Duration wait : List.of(LONG, Duration.ZERO)) {
            HeldForward forward = new HeldForward();
            forward.release.countDown();
            DynamicBatcher batcher = new DynamicBatcher(forward, 256, wait, 2, 1000, () -> 0);
            batcher.readingStarted(); // this thread's request is being read
            CompletableFuture<float[][]> first = new CompletableFuture<>();
            Thread runner = submitting(batcher, 1, 1, first);
            if (wait.isZero()) {
                finish(runner); // ran alone, at once
            } else {
                long deadline = System.nanoTime() + LONG.toNanos();
                while (batcher.queuedImages() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(first).isNotDone();
            }
            CompletableFuture<float[][]> second = new CompletableFuture<>();
            assertThat(batcher.submit(images(2, 1), 1, second)).isTrue();
            finish(runner);
            assertThat(forward.counts)
                    .as("waiting at most " + wait)
                    .isEqualTo(wait.isZero() ? List.of(1, 1) : List.of(2));
            assertThat(first.get()).isDeepEqualTo(answers(1, 1));
            assertThat(second.get()).isDeepEqualTo(answers(2, 1));
        }
    }

    /** Requests that have arrived but no thread reads yet: worth waiting for while another thread is free. */
    @Test
    void theRunnerWaitsForArrivedRequestsOnlyWhenAnotherThreadCanReadThem() throws Exception {
        for (int threads : new int[] {2, 1}) {
            HeldForward forward = new HeldForward();
            forward.release.countDown();
            AtomicInteger arrived = new AtomicInteger(1);
            DynamicBatcher batcher = new DynamicBatcher(forward, 256, LONG, threads, 1000, arrived::get);
            CompletableFuture<float[][]> first = new CompletableFuture<>();
            Thread runner = submitting(batcher, 1, 1, first);
            if (threads == 1) {
                finish(runner); // no other thread to read it: ran alone, at once
            } else {
                long deadline = System.nanoTime() + LONG.toNanos();
                while (batcher.queuedImages() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                assertThat(first).isNotDone();
            }
            arrived.set(0); // this thread takes the arrived request and reads it
            CompletableFuture<float[][]> second = submit(batcher, 2, 1);
            finish(runner);
            assertThat(forward.counts)
                    .as(threads + " request threads")
                    .isEqualTo(threads == 1 ? List.of(1, 1) : List.of(2));
            assertThat(second.get()).isDeepEqualTo(answers(2, 1));
        }
    }

    @Test
    void aForwardPassHoldsAtMostMaxBatchImagesAndABiggerRequestIsSplit() throws Exception {
        HeldForward forward = new HeldForward();
        DynamicBatcher batcher = new DynamicBatcher(forward, 4, Duration.ZERO, 2, 1000, () -> 0);
        Thread runner = submitting(batcher, 0, 1, new CompletableFuture<>());
        assertThat(forward.started.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CompletableFuture<float[][]> three = submit(batcher, 10, 3);
        CompletableFuture<float[][]> threeMore = submit(batcher, 20, 3);
        CompletableFuture<float[][]> one = submit(batcher, 30, 1);
        CompletableFuture<float[][]> nine = submit(batcher, 40, 9);
        forward.release.countDown();
        finish(runner);
        assertThat(forward.counts).containsExactly(1, 3, 4, 4, 4, 1);
        assertThat(three.get()).isDeepEqualTo(answers(10, 3));
        assertThat(threeMore.get()).isDeepEqualTo(answers(20, 3));
        assertThat(one.get()).isDeepEqualTo(answers(30, 1));
        assertThat(nine.get()).isDeepEqualTo(answers(40, 9));
    }

    @Test
    void aFullQueueRefusesAndAFailedForwardPassFailsOnlyItsRequests() throws Exception {
        HeldForward forward = new HeldForward();
        DynamicBatcher batcher = new DynamicBatcher(forward, 256, Duration.ZERO, 2, 4, () -> 0);
        Thread runner = submitting(batcher, 0, 1, new CompletableFuture<>());
        assertThat(forward.started.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        CompletableFuture<float[][]> three = submit(batcher, 10, 3);
        CompletableFuture<float[][]> refused = new CompletableFuture<>();
        batcher.readingStarted();
        assertThat(batcher.submit(images(20, 2), 2, refused))
                .as("3 + 2 images > 4")
                .isFalse();
        CompletableFuture<float[][]> one = submit(batcher, 30, 1);
        forward.release.countDown();
        finish(runner);
        assertThat(three.get()).isDeepEqualTo(answers(10, 3));
        assertThat(one.get()).isDeepEqualTo(answers(30, 1));
        assertThat(refused).isNotDone();

        List<Integer> calls = new ArrayList<>();
        DynamicBatcher failing = new DynamicBatcher(
                (pixels, count) -> {
                    calls.add(count);
                    if (calls.size() == 1) {
                        throw new IllegalStateException("out of memory, say");
                    }
                    return new float[count][1];
                },
                256,
                Duration.ZERO,
                2,
                1000,
                () -> 0);
        CompletableFuture<float[][]> failed = submit(failing, 0, 2);
        assertThat(failed).isCompletedExceptionally();
        assertThat(failed.handle((answer, e) -> e.getMessage()).get()).isEqualTo("out of memory, say");
        assertThat(submit(failing, 0, 3).get()).hasDimensions(3, 1);
    }

    /** Many threads at once: every request gets exactly its own answers, however they were grouped. */
    @Test
    void underConcurrentLoadEveryRequestGetsItsOwnAnswers() throws Exception {
        DynamicBatcher batcher = new DynamicBatcher(
                (pixels, count) -> {
                    float[][] answers = new float[count][];
                    for (int i = 0; i < count; i++) {
                        answers[i] = new float[] {pixels[i * DigitModel.PIXELS]};
                    }
                    return answers;
                },
                16,
                Duration.ofMillis(1),
                8,
                100_000,
                () -> 0);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            clients.add(threads.submit(() -> {
                for (int n = 0; n < 500; n++) {
                    int count = ThreadLocalRandom.current().nextInt(1, 20);
                    int first = ThreadLocalRandom.current().nextInt(0, 100);
                    CompletableFuture<float[][]> answer = new CompletableFuture<>();
                    batcher.readingStarted();
                    assertThat(batcher.submit(images(first, count), count, answer))
                            .isTrue();
                    assertThat(answer.get(LONG.toSeconds(), TimeUnit.SECONDS)).isDeepEqualTo(answers(first, count));
                }
                return null;
            }));
        }
        threads.shutdown();
        for (Future<?> client : clients) {
            client.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(batcher.queuedImages()).isZero();
    }
}

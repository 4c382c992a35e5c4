package org.mnistspark.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.mnistspark.results.Status;

/**
 * ASHA's decisions, without Spark: each rung promotes its top ⌊n/η⌋ by test accuracy, does so as soon as
 * a promotion is possible (not once the rung is full), never promotes a diverged run, and decides the
 * same from the same outcomes, so a resumed job goes on exactly where it stopped.
 */
class AshaTest {
    /** A job run to its end, one rung at a time, with each rung's accuracy given by {@code accuracy}. */
    private static List<Asha.Train> run(
            Asha asha, Map<Asha.Key, Asha.Outcome> outcomes, ToDoubleFunction<Asha.Key> accuracy) {
        List<Asha.Train> trained = new ArrayList<>();
        while (asha.next(outcomes, Set.of(), Set.of()) instanceof Asha.Train train) {
            Asha.Key key = new Asha.Key(train.configuration(), train.rung());
            double a = accuracy.applyAsDouble(key);
            outcomes.put(key, new Asha.Outcome(Double.isNaN(a) ? Status.DIVERGED : Status.STOPPED, a, 1 - a));
            trained.add(train);
        }
        return trained;
    }

    /**
     * A rung in flight is taken but not ranked: it fills its place in the next rung's quota, its
     * configuration does not start again, and a rung whose results are still coming promotes nothing on them.
     */
    @Test
    void rungsInFlightCountAsTakenButRankNowhere() {
        Asha asha = new Asha(9, 3, 3);
        Map<Asha.Key, Asha.Outcome> outcomes = new HashMap<>();
        outcomes.put(new Asha.Key(1, 0), stopped(0.95));
        outcomes.put(new Asha.Key(2, 0), stopped(0.96));
        assertThat(asha.next(outcomes, Set.of(new Asha.Key(3, 0)), Set.of()))
                .as("3 is in flight, not finished")
                .isEqualTo(new Asha.Train(4, 0, 0, 0, 0, false));

        outcomes.put(new Asha.Key(3, 0), stopped(0.97));
        assertThat(asha.next(outcomes, Set.of(), Set.of()))
                .as("three finished: the best goes on")
                .isEqualTo(new Asha.Train(3, 1, 1, 3, 1, false));
        assertThat(asha.next(outcomes, Set.of(new Asha.Key(3, 1)), Set.of()))
                .as("its promotion in flight fills rung 0's quota of 1: a new configuration starts instead")
                .isEqualTo(new Asha.Train(4, 0, 0, 0, 0, false));
        assertThat(asha.next(outcomes, Set.of(new Asha.Key(3, 1), new Asha.Key(4, 0), new Asha.Key(5, 0)), Set.of()))
                .isEqualTo(new Asha.Train(6, 0, 0, 0, 0, false));
    }

    /**
     * Three rungs in flight at a time, each decision taken the moment a place is free (the oldest rung in
     * flight finishing first): every configuration starts, none is trained twice, no rung ever has more
     * promotions (finished or in flight) than ⌊n/η⌋ of its finished ones, and once every rung is done the
     * quotas are full, as with one at a time.
     */
    @Test
    void withRungsInFlightEveryDecisionKeepsTheQuotaAndTheJobEndsWithItFull() {
        Asha asha = new Asha(9, 3, 3);
        Map<Asha.Key, Asha.Outcome> outcomes = new HashMap<>();
        java.util.ArrayDeque<Asha.Key> inFlight = new java.util.ArrayDeque<>();
        List<Asha.Key> trained = new ArrayList<>();
        while (true) {
            while (inFlight.size() < 3
                    && asha.next(outcomes, Set.copyOf(inFlight), Set.of()) instanceof Asha.Train train) {
                Asha.Key key = new Asha.Key(train.configuration(), train.rung());
                if (train.rung() > 0) {
                    long taken = java.util.stream.Stream.concat(outcomes.keySet().stream(), inFlight.stream())
                                    .filter(k -> k.rung() == train.rung())
                                    .count()
                            + 1;
                    assertThat(taken)
                            .as("promotions to rung " + train.rung() + " at most ⌊n/η⌋ of rung " + (train.rung() - 1)
                                    + "'s finished")
                            .isLessThanOrEqualTo(
                                    Asha.ranked(outcomes, train.rung() - 1).size() / 3);
                    assertThat(outcomes)
                            .as("promoted from a finished rung")
                            .containsKey(new Asha.Key(train.configuration(), train.rung() - 1));
                }
                inFlight.add(key);
                trained.add(key);
            }
            if (inFlight.isEmpty()) {
                break;
            }
            Asha.Key finished = inFlight.poll();
            outcomes.put(finished, stopped(0.9 + finished.configuration() / 100.0 + finished.rung() / 1000.0));
        }
        assertThat(trained).doesNotHaveDuplicates();
        assertThat(trained).filteredOn(k -> k.rung() == 0).hasSize(9);
        assertThat(trained).filteredOn(k -> k.rung() == 1).as("⌊9/3⌋").hasSize(3);
        assertThat(trained).filteredOn(k -> k.rung() == 2).as("⌊3/3⌋").hasSize(1);
    }

    private static Asha.Outcome stopped(double accuracy) {
        return new Asha.Outcome(Status.STOPPED, accuracy, 1 - accuracy);
    }

    @Test
    void aRungPromotesAsSoonAsItsTopThirdHasRoomAndNeverMoreThanAThird() {
        // Nine configurations, rungs of 1, 3 and 9 epochs; each configuration is better than the ones before
        // it, at every rung: asynchrony's worst case, since every early promotion is later overtaken.
        Asha asha = new Asha(9, 3, 3);
        Map<Asha.Key, Asha.Outcome> outcomes = new LinkedHashMap<>();
        List<Asha.Train> order = run(asha, outcomes, key -> 0.9 + key.configuration() / 100.0 + key.rung() / 1000.0);

        assertThat(order)
                .extracting(t -> t.configuration() + "@" + t.rung())
                .containsExactly(
                        "1@0", "2@0", "3@0",
                        "3@1", // three finished rung 0: the best of them goes on at once, not after nine
                        "4@0", "5@0", "6@0",
                        "6@1", // six finished: two of them may go on; 3 did, so the best other one does
                        "7@0", "8@0", "9@0", "9@1", // nine finished: three may go on
                        "9@2"); // three finished rung 1: its best goes on to the last rung
        assertThat(order).filteredOn(t -> t.rung() == 1).as("⌊9/3⌋ of rung 0").hasSize(3);
        assertThat(order).filteredOn(t -> t.rung() == 2).as("⌊3/3⌋ of rung 1").hasSize(1);
        assertThat(order.get(3)).isEqualTo(new Asha.Train(3, 1, 1, 3, 1, false));
        assertThat(order.get(11)).isEqualTo(new Asha.Train(9, 1, 1, 9, 3, false));
        assertThat(order)
                .filteredOn(t -> t.rung() > 0)
                .allSatisfy(t -> assertThat(t.rank())
                        .as("promoted from its rung's top ⌊n/η⌋ then")
                        .isBetween(1, t.quota()));
    }

    @Test
    void whenTheBestFinishFirstEachRungPromotesExactlyItsTopThird() {
        Asha asha = new Asha(9, 3, 3);
        Map<Asha.Key, Asha.Outcome> outcomes = new LinkedHashMap<>();
        List<Asha.Train> order = run(asha, outcomes, key -> 0.99 - key.configuration() / 100.0 + key.rung() / 1000.0);
        assertThat(order)
                .filteredOn(t -> t.rung() == 1)
                .extracting(Asha.Train::configuration)
                .as("the top third of rung 0")
                .containsExactlyInAnyOrder(1, 2, 3);
        assertThat(order)
                .filteredOn(t -> t.rung() == 2)
                .extracting(Asha.Train::configuration)
                .as("the top third of rung 1")
                .containsExactly(1);
        assertThat(order)
                .extracting(t -> t.configuration() + "@" + t.rung())
                .as("1 goes on before 4 starts")
                .startsWith("1@0", "2@0", "3@0", "1@1", "4@0");
    }

    @Test
    void inAnyOrderEachRungEndsWithExactlyOneEtaPromotedEachFromTheTopThen() {
        ToDoubleFunction<Asha.Key> accuracy =
                key -> 0.9 + ((key.configuration() * 7919L + key.rung() * 104729L) % 97) / 1000.0;
        for (int eta = 2; eta <= 4; eta++) {
            Map<Asha.Key, Asha.Outcome> outcomes = new LinkedHashMap<>();
            List<Asha.Train> order = run(new Asha(27, 4, eta), outcomes, accuracy);
            for (int rung = 0; rung < 3; rung++) {
                int r = rung;
                long finished =
                        outcomes.keySet().stream().filter(k -> k.rung() == r).count();
                assertThat(order)
                        .filteredOn(t -> t.rung() == r + 1)
                        .as("eta " + eta + ", rung " + r)
                        .hasSize((int) finished / eta)
                        .allSatisfy(t -> assertThat(t.rank()).isBetween(1, t.quota()));
            }
        }
    }

    @Test
    void theSameOutcomesGiveTheSameNextDecisionSoAResumedJobGoesOnAsIfNeverStopped() {
        Map<Asha.Key, Asha.Outcome> whole = new LinkedHashMap<>();
        ToDoubleFunction<Asha.Key> accuracy =
                key -> 0.9 + ((key.configuration() * 7) % 10) / 100.0 + key.rung() / 1000.0;
        List<Asha.Train> uninterrupted = run(new Asha(12, 3, 3), whole, accuracy);
        for (int stoppedAfter = 0; stoppedAfter < uninterrupted.size(); stoppedAfter++) {
            // A new Asha (a new JVM) with only what the table holds: the rungs committed before the stop.
            Map<Asha.Key, Asha.Outcome> committed = new HashMap<>();
            for (Asha.Train done : uninterrupted.subList(0, stoppedAfter)) {
                Asha.Key key = new Asha.Key(done.configuration(), done.rung());
                committed.put(key, whole.get(key));
            }
            List<Asha.Train> resumed = run(new Asha(12, 3, 3), committed, accuracy);
            assertThat(resumed)
                    .as("after " + stoppedAfter + " rungs")
                    .isEqualTo(uninterrupted.subList(stoppedAfter, uninterrupted.size()));
        }
    }

    @Test
    void divergedRunsNeverGoOnAndFailedOnesAreRetriedFirst() {
        Asha asha = new Asha(3, 2, 3);
        Map<Asha.Key, Asha.Outcome> outcomes = new HashMap<>();
        outcomes.put(new Asha.Key(1, 0), new Asha.Outcome(Status.DIVERGED, 0.99, Double.NaN));
        outcomes.put(new Asha.Key(2, 0), new Asha.Outcome(Status.STOPPED, 0.95, 0.2));
        outcomes.put(new Asha.Key(3, 0), new Asha.Outcome(Status.FAILED, Double.NaN, Double.NaN));
        assertThat(Asha.ranked(outcomes, 0))
                .as("failed runs have no place; diverged ones come last")
                .containsExactly(2, 1);
        assertThat(asha.next(outcomes, Set.of(), Set.of(new Asha.Key(3, 0))))
                .isEqualTo(new Asha.Train(3, 0, 0, 0, 0, true));
        // Two finished (one diverged): ⌊2/3⌋ = 0 go on; a failed rung that is not retried counts as started.
        assertThat(asha.next(outcomes, Set.of(), Set.of())).isInstanceOf(Asha.Done.class);
        outcomes.put(new Asha.Key(3, 0), new Asha.Outcome(Status.STOPPED, 0.90, 0.3));
        assertThat(asha.next(outcomes, Set.of(), Set.of()))
                .as("of 1 (diverged), 2 and 3, the best finite goes on")
                .isEqualTo(new Asha.Train(2, 1, 1, 3, 1, false));
        Map<Asha.Key, Asha.Outcome> diverged = new HashMap<>();
        diverged.put(new Asha.Key(1, 0), new Asha.Outcome(Status.DIVERGED, Double.NaN, Double.NaN));
        diverged.put(new Asha.Key(2, 0), new Asha.Outcome(Status.DIVERGED, 0.5, Double.NaN));
        assertThat(new Asha(3, 2, 2).next(diverged, Set.of(), Set.of()))
                .as("the top half of rung 0 has diverged: nothing goes on, the next configuration starts")
                .isEqualTo(new Asha.Train(3, 0, 0, 0, 0, false));
    }

    /**
     * ASHA ranks a rung in the one order of "best" (BestOrder), the tuning view's and predict best:'s: on an
     * exact tie of test accuracy and test loss the smaller trial id goes on, whatever the configuration numbers.
     */
    @Test
    void anExactTieIsBrokenByTrialIdAsEverywhereElse() {
        Map<Asha.Key, Asha.Outcome> outcomes = new HashMap<>();
        outcomes.put(new Asha.Key(1, 0), new Asha.Outcome(Status.STOPPED, 0.95, 0.1, "t-b"));
        outcomes.put(new Asha.Key(2, 0), new Asha.Outcome(Status.STOPPED, 0.95, 0.1, "t-a"));
        outcomes.put(new Asha.Key(3, 0), new Asha.Outcome(Status.STOPPED, 0.95, 0.2, "t-0"));
        assertThat(Asha.ranked(outcomes, 0)).containsExactly(2, 1, 3);
        assertThat(new Asha(3, 2, 3).next(outcomes, Set.of(), Set.of()))
                .isEqualTo(new Asha.Train(2, 1, 1, 3, 1, false));
    }

    @Test
    void randomSearchIsOneRungWithoutPromotions() {
        List<Asha.Train> order = run(new Asha(5, 1, 3), new HashMap<>(), key -> 0.9 + key.configuration() / 100.0);
        assertThat(order)
                .extracting(t -> t.configuration() + "@" + t.rung())
                .containsExactly("1@0", "2@0", "3@0", "4@0", "5@0");
    }
}

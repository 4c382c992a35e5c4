package org.mnistspark.tune;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mnistspark.results.BestOrder;
import org.mnistspark.results.Status;

/**
 * Asynchronous successive halving (ASHA; Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020), with epochs as the budget: which rung of which configuration to train next,
 * from what is known now. It is a function of the rungs' outcomes alone, so a job that is stopped and run
 * again takes the same decisions as one that never stopped.
 *
 * <p>Whenever a rung can be trained, the highest rung that may promote does: rung {@code k} may promote
 * while fewer than {@code ⌊n/η⌋} of its {@code n} finished configurations went on, and it promotes the
 * best of its top {@code ⌊n/η⌋} that has not gone on yet (diverged runs rank last and never go on; the
 * others in the one order of "best", {@link BestOrder}: test accuracy at the rung, then test loss, then
 * trial id, as the {@code tuning} view and {@code predict best:} rank them). Only when no rung may
 * promote does a new configuration start at rung 0. So a promotion never waits for a whole rung, and once
 * every configuration has finished rung {@code k}, exactly {@code ⌊n/η⌋} of them went on. Being
 * asynchronous, a configuration promoted early (in the top {@code ⌊n/η⌋} when it was promoted) may later
 * be overtaken; ASHA accepts that to keep the budget busy.
 *
 * <p>With several rungs in flight at once ({@code sweep.parallel-trials}), a rung in flight counts as
 * taken: it fills its place in the next rung's quota and its configuration does not start again, but it
 * ranks in no rung until its result is committed. So each decision is taken, as the paper's rule has it,
 * the moment a worker is free, from the results committed by then.
 *
 * <p>Random search is the same with one rung: every configuration starts, none is promoted.
 */
final class Asha {
    /** A rung of a configuration (numbered from 1; rungs from 0). */
    record Key(int configuration, int rung) {}

    /**
     * How a rung ended: its status (as the trials table has it), test accuracy and test loss, and the rung's
     * trial id ({@link BestOrder}'s tie-break; null where unknown, as for a rung that failed in this run).
     */
    record Outcome(Status status, double accuracy, double loss, String trialId) {
        Outcome(Status status, double accuracy, double loss) {
            this(status, accuracy, loss, null);
        }

        boolean failed() {
            return status == Status.FAILED;
        }

        boolean diverged() {
            return status == Status.DIVERGED;
        }
    }

    /**
     * A rung's ranking: diverged runs last, then {@link BestOrder} (a rung's row is the latest run of its
     * trial, so the trial id is its unique key); the configuration number decides only among outcomes whose
     * trial ids are unknown.
     */
    private static final Comparator<Map.Entry<Key, Outcome>> RANKING = Comparator.comparing(
                    (Map.Entry<Key, Outcome> e) -> e.getValue().diverged())
            .thenComparing(BestOrder.of(
                    e -> e.getValue().accuracy(),
                    e -> e.getValue().loss(),
                    e -> e.getValue().trialId(),
                    e -> null))
            .thenComparingInt(e -> e.getKey().configuration());

    /** What to do next. */
    sealed interface Decision {}

    /**
     * Train {@code rung} of {@code configuration}: rung 0 from a new network, a higher rung on from the
     * previous rung's saved model.
     *
     * @param rank         the configuration's place in the rung it is promoted from (1: best); 0 for rung 0
     * @param finished     configurations finished in that rung
     * @param quota        how many of them may go on: ⌊finished/η⌋
     * @param retry        a rung whose training failed in an earlier run of the job
     */
    record Train(int configuration, int rung, int rank, int finished, int quota, boolean retry) implements Decision {}

    /**
     * Nothing to start now: every configuration started and no rung may promote. The job is done once
     * no rung is in flight; until then a result still to come may allow a promotion.
     */
    record Done() implements Decision {}

    private final int configurations;
    private final int rungs;
    private final int eta;

    Asha(int configurations, int rungs, int eta) {
        this.configurations = configurations;
        this.rungs = rungs;
        this.eta = eta;
    }

    /**
     * @param outcomes every rung trained so far (a failed one counts as taken: it is not trained again in
     *                 this run)
     * @param inFlight rungs training now, whose outcomes are not known yet
     * @param retry    failed rungs of an earlier run, to train again first
     */
    Decision next(Map<Key, Outcome> outcomes, Set<Key> inFlight, Set<Key> retry) {
        var again = retry.stream()
                .filter(key -> !inFlight.contains(key))
                .min(Comparator.comparingInt(Key::rung).thenComparingInt(Key::configuration));
        if (again.isPresent()) {
            return new Train(again.get().configuration(), again.get().rung(), 0, 0, 0, true);
        }
        for (int rung = rungs - 2; rung >= 0; rung--) {
            List<Integer> ranked = ranked(outcomes, rung);
            int quota = ranked.size() / eta;
            int next = rung + 1;
            long promoted =
                    outcomes.keySet().stream().filter(k -> k.rung() == next).count()
                            + inFlight.stream()
                                    .filter(k -> k.rung() == next && !outcomes.containsKey(k))
                                    .count();
            if (promoted >= quota) {
                continue;
            }
            for (int place = 0; place < quota; place++) {
                int configuration = ranked.get(place);
                Key promotion = new Key(configuration, next);
                if (!outcomes.get(new Key(configuration, rung)).diverged()
                        && !outcomes.containsKey(promotion)
                        && !inFlight.contains(promotion)) {
                    return new Train(configuration, next, place + 1, ranked.size(), quota, false);
                }
            }
        }
        for (int configuration = 1; configuration <= configurations; configuration++) {
            Key start = new Key(configuration, 0);
            if (!outcomes.containsKey(start) && !inFlight.contains(start)) {
                return new Train(configuration, 0, 0, 0, 0, false);
            }
        }
        return new Done();
    }

    /** The configurations that finished {@code rung} (not failed), best first. */
    static List<Integer> ranked(Map<Key, Outcome> outcomes, int rung) {
        return outcomes.entrySet().stream()
                .filter(e -> e.getKey().rung() == rung && !e.getValue().failed())
                .sorted(RANKING)
                .map(e -> e.getKey().configuration())
                .toList();
    }
}

package org.mnistspark.results;

import java.util.List;
import org.mnistspark.TestSpark;

/**
 * Writes the results-table fixture of the current format version. Run it once per new format version
 * into a new folder (results-v2, ...), never over an old one: old fixtures are what keep the schema
 * from breaking silently (ResultsSchemaCompatibilityTest).
 *
 * <pre>java -cp target/classes:target/test-classes:$(deps) org.mnistspark.results.WriteResultsFixture src/test/resources/results-v1</pre>
 */
public final class WriteResultsFixture {
    private WriteResultsFixture() {}

    public static void main(String[] args) throws Exception {
        ResultsTable table = new ResultsTable(TestSpark.session(), args[0]);
        TrialRecord trial = Records.trial("fixture-v1", "v1-trial", "v1-run", 10, List.of(0.9524, 0.9691));
        table.commit(trial, Records.epochs(trial));
        TestSpark.session().stop();
    }
}

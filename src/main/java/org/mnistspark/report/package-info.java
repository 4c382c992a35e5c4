/**
 * What the results table looks like: the views, charts and pictures that {@code notebooks/results.ipynb}
 * shows cell by cell and the {@code report} command writes as one self-contained HTML page.
 * {@link org.mnistspark.report.ResultViews} runs the queries (their text is
 * {@link org.mnistspark.results.Views}') over the {@code trials}, {@code epochs}, {@code confusions} and
 * {@code classes} views, {@link org.mnistspark.report.Charts} draws them with
 * XChart, {@link org.mnistspark.report.Misclassified} finds the test images the best trial's saved model
 * gets wrong, and {@link org.mnistspark.report.Report} puts them on a page ({@link org.mnistspark.report.Html})
 * and writes it whole or not at all, to any Hadoop path.
 */
package org.mnistspark.report;

/**
 * Tuning jobs ({@code tune}): a seeded search over the grid keys' distributions that beats the grid, by
 * random search or by asynchronous successive halving ({@link org.mnistspark.tune.Asha}) with epochs as
 * the budget. {@link org.mnistspark.tune.Tuner} trains each rung of each configuration with the sweep's
 * trial steps (a promoted configuration goes on from its rung's saved model), commits it as a row of the
 * trials table, and resumes an interrupted job from those rows.
 */
package org.mnistspark.tune;

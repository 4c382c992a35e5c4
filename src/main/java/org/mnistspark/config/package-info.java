/**
 * The one typed configuration of a sweep ({@link org.mnistspark.config.SweepConfig}): HOCON defaults,
 * a {@code --conf} file and command-line settings, in that order of precedence, validated up front;
 * and the grid's points ({@link org.mnistspark.config.TrialSpec}).
 */
package org.mnistspark.config;

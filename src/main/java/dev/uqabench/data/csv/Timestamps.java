package dev.uqabench.data.csv;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;

/**
 * Click times as numbers (epoch seconds or any ordered number) or ISO-8601 dates and date-times (UTC when no zone),
 * also with a space instead of the {@code T} as databases export them (that form without a zone). Fractions of a second are kept, whatever the
 * form (a double holds epoch seconds of today to about a microsecond); so is a number's own precision, up to a
 * double's ~16 significant digits (an epoch in nanoseconds, 19 digits, loses its last ~3).
 */
public final class Timestamps {

    /**
     * {@code uuuu-MM-dd HH:mm[:ss[.fraction]]}, a fraction of 1 to 9 digits, no zone (UTC); as strict as the ISO form
     * ({@code 2023-02-30} and {@code 24:00} refused, not moved to another day).
     */
    private static final DateTimeFormatter SPACED = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd HH:mm")
            .optionalStart().appendPattern(":ss").optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd().optionalEnd().toFormatter().withResolverStyle(ResolverStyle.STRICT);

    private Timestamps() {
    }

    /** Seconds since the epoch, or the number itself; {@link IllegalArgumentException} names what was expected. */
    public static double parse(String text) {
        String value = text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("expected a timestamp, got an empty field");
        }
        char first = value.charAt(0);
        if (Character.isDigit(first) || first == '-' || first == '+' || first == '.') {
            try {
                double number = Double.parseDouble(value);
                if (!Double.isFinite(number)) {
                    throw new NumberFormatException();
                }
                if (value.length() < 10 || value.charAt(4) != '-') {
                    return number;
                }
            } catch (NumberFormatException notANumber) {
                // maybe a date: tried below
            }
        }
        try {
            Instant instant = Instant.parse(value);
            return seconds(instant.getEpochSecond(), instant.getNano());
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            OffsetDateTime time = OffsetDateTime.parse(value);
            return seconds(time.toEpochSecond(), time.getNano());
        } catch (DateTimeParseException ignored) {
            // next format
        }
        for (DateTimeFormatter format : new DateTimeFormatter[] {DateTimeFormatter.ISO_LOCAL_DATE_TIME, SPACED}) {
            try {
                LocalDateTime time = LocalDateTime.parse(value, format);
                return seconds(time.toEpochSecond(ZoneOffset.UTC), time.getNano());
            } catch (DateTimeParseException ignored) {
                // next format
            }
        }
        try {
            return LocalDate.parse(value).toEpochDay() * 86_400.0;
        } catch (DateTimeParseException ignored) {
            // not a date either
        }
        throw new IllegalArgumentException("expected a timestamp (a number or an ISO-8601 date/date-time), got '" + value + "'");
    }

    private static double seconds(long epochSecond, int nano) {
        return epochSecond + nano / 1e9;
    }
}

package dev.uqabench.data.csv;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Click times as numbers (epoch seconds or any ordered number) or ISO-8601 dates and date-times (UTC when no zone). */
public final class Timestamps {

    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss][.SSS]");

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
            return Instant.parse(value).getEpochSecond() + Instant.parse(value).getNano() / 1e9;
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return OffsetDateTime.parse(value).toEpochSecond();
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return LocalDateTime.parse(value).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return LocalDateTime.parse(value, SPACED).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return LocalDate.parse(value).toEpochDay() * 86_400.0;
        } catch (DateTimeParseException ignored) {
            // not a date either
        }
        throw new IllegalArgumentException("expected a timestamp (a number or an ISO-8601 date/date-time), got '" + value + "'");
    }
}

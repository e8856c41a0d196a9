package dev.uqabench.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Which part of the protocol each user serves, decided by a seeded hash of the user id alone.
 * Held-out users (never pretrained on) are validation or test users; training users are LLM users
 * (the built-in LLM learns the question format from them) or alignment users. Because the role
 * depends only on the id, every stage that needs the split (qa, pretrain) computes the same one
 * without reading another stage's output, and adding or removing users never moves the others.
 *
 * @param seed               the run's seed (a different seed, a different split)
 * @param validationFraction share of held-out users used for every choice (best epoch); the rest are test users
 * @param llmFraction        share of training users the built-in LLM is trained on (0 when the LLM is external)
 */
public record UserRoles(long seed, double validationFraction, double llmFraction) {

    public enum Role {
        LLM, ALIGNMENT, VALIDATION, TEST;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public UserRoles {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), got " + validationFraction);
        }
        if (!(llmFraction >= 0 && llmFraction < 1)) {
            throw new IllegalArgumentException("llmFraction must be in [0, 1), got " + llmFraction);
        }
    }

    /** A held-out user's role: {@link Role#VALIDATION} or {@link Role#TEST}. */
    public Role ofHeldOut(String user) {
        return unit(user, "held-out") < validationFraction ? Role.VALIDATION : Role.TEST;
    }

    /** A training user's role: {@link Role#LLM} or {@link Role#ALIGNMENT}. */
    public Role ofTraining(String user) {
        return unit(user, "training") < llmFraction ? Role.LLM : Role.ALIGNMENT;
    }

    /**
     * A uniform number in [0, 1) from SHA-256 of seed, salt and id: unlike {@code String.hashCode}
     * it does not put ids that differ in their last digit next to each other.
     */
    private double unit(String user, String salt) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((seed + "/" + salt + "/" + user).getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (digest[i] & 0xFF);
            }
            return (bits >>> 11) * 0x1.0p-53;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}

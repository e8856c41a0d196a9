package dev.uqabench.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.uqabench.encoder.FeatureSet;
import dev.uqabench.base.UqaException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PretrainConfigTest {

    @Test
    void keysOverrideTheDefaults() {
        PretrainConfig config = PretrainConfig.fromMap(Map.of("encoder", "hstu", "preset", "paper",
                "feature_set", "id_only", "batch_size", 8, "loss", "sampled_softmax"));
        assertEquals(PretrainConfig.defaults("hstu", "paper").withFeatureSet(FeatureSet.ID_ONLY).withBatchSize(8)
                .withLoss(LossType.SAMPLED_SOFTMAX, 1024), config);
    }

    @Test
    void unknownKeysWrongTypesAndBadValuesNameTheKey() {
        UqaException e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of(
                "encoder", "sasrec", "preset", "tiny", "batchSize", 8)));
        assertTrue(e.getMessage().startsWith("pretrain config: unknown key 'batchSize'"), e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of(
                "encoder", "sasrec", "preset", "tiny", "loss", "HINGE")));
        assertTrue(e.getMessage().startsWith("pretrain config: invalid value at 'loss'"), e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of(
                "encoder", "sasrec", "preset", "tiny", "learning_rate", -1)));
        assertEquals("pretrain config: invalid value at 'learning_rate': must be positive, got -1.0", e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of("encoder", "sasrec", "preset", "big")));
        assertTrue(e.getMessage().contains("no preset 'big'"), e.getMessage());
    }
}

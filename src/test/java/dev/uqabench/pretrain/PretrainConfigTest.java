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
                "featureSet", "ID_ONLY", "batchSize", 8, "loss", "SAMPLED_SOFTMAX"));
        assertEquals(PretrainConfig.defaults("hstu", "paper").withFeatureSet(FeatureSet.ID_ONLY).withBatchSize(8)
                .withLoss(LossType.SAMPLED_SOFTMAX, 1024), config);
    }

    @Test
    void unknownKeysWrongTypesAndBadValuesNameTheKey() {
        UqaException e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of(
                "encoder", "sasrec", "preset", "tiny", "batch_size", 8)));
        assertTrue(e.getMessage().startsWith("pretrain config: unknown key 'batch_size'"), e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of(
                "encoder", "sasrec", "preset", "tiny", "loss", "HINGE")));
        assertTrue(e.getMessage().startsWith("pretrain config: bad value for 'loss'"), e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of(
                "encoder", "sasrec", "preset", "tiny", "learningRate", -1)));
        assertEquals("pretrain config: 'learningRate' must be positive, got -1.0", e.getMessage());
        e = assertThrows(UqaException.class, () -> PretrainConfig.fromMap(Map.of("encoder", "sasrec", "preset", "big")));
        assertTrue(e.getMessage().contains("no preset 'big'"), e.getMessage());
    }
}

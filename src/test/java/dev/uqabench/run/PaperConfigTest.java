package dev.uqabench.run;

import dev.uqabench.llm.AnswerMode;
import dev.uqabench.study.StudyConfig;
import dev.uqabench.base.ConfigLoader;
import dev.uqabench.align.AlignConfig;
import dev.uqabench.train.LearningRateSchedule;
import dev.uqabench.pretrain.LossType;
import dev.uqabench.pretrain.PretrainConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * configs/paper.yaml says it holds the reference's settings: each is checked against the values of
 * the reference's scripts (pretrain_trm_plus.sh, align_trm_plus.sh, run_*_ddp/fsdp.py).
 */
class PaperConfigTest {

    @Test
    void paperYamlIsTheReferencesSettings() {
        StudyConfig paper = ConfigLoader.load(StudyConfig.quick(), Path.of("configs/paper.yaml"), StudyConfig.class);
        PretrainConfig pretrain = paper.base().pretrain();
        assertEquals(512, pretrain.maxLength());
        assertEquals(32, pretrain.batchSize());
        assertEquals(3, pretrain.epochs());
        assertEquals(4e-4, pretrain.learningRate());
        assertEquals(0.0, pretrain.weightDecay());
        assertEquals(0, pretrain.warmupSteps());
        assertEquals(LearningRateSchedule.CONSTANT, pretrain.schedule());
        assertEquals(0.0, pretrain.clipNorm());
        assertEquals(LossType.FULL_SOFTMAX, pretrain.loss());
        assertEquals(dev.uqabench.tensor.Precision.AUTO, pretrain.precision());   // --bf16, where native
        AlignConfig align = paper.base().align();
        assertEquals(3, align.epochs());
        assertEquals(32, align.batchSize());
        assertEquals(1e-4, align.learningRate());
        assertEquals(1e-6, align.encoderLearningRate());
        assertEquals(0.9, align.beta1());
        assertEquals(0.98, align.beta2());
        assertEquals(0.0, align.weightDecay());
        assertEquals(0.0, align.warmupFraction());
        assertEquals(LearningRateSchedule.CONSTANT, align.schedule());
        assertEquals(1.5, align.clipNorm());
        assertEquals(dev.uqabench.tensor.Precision.AUTO, align.precision());
        assertEquals(AnswerMode.LETTER, paper.base().answerMode());
    }

    @Test
    void paperCpuYamlLoadsAndSaysItDeviates() throws Exception {
        StudyConfig cpu = ConfigLoader.load(StudyConfig.quick(), Path.of("configs/paper-cpu.yaml"), StudyConfig.class);
        assertEquals(LossType.SAMPLED_SOFTMAX, cpu.base().pretrain().loss());
        assertNotEquals(LearningRateSchedule.CONSTANT, cpu.base().align().schedule());
        String text = java.nio.file.Files.readString(Path.of("configs/paper-cpu.yaml"));
        assertEquals(true, text.startsWith("# NOT the reference's settings"), "the file says what it is");
    }

    @Test
    void theQuickstartsOptimiserIsUnchanged() {
        AlignConfig quick = AlignConfig.quickstart();
        assertEquals(0.999, quick.beta2());
        assertEquals(0.01, quick.weightDecay(), "libtorch's AdamW default, which alignment always used");
        assertEquals(LearningRateSchedule.COSINE, quick.schedule());
        assertEquals(LearningRateSchedule.COSINE, RunConfig.quickstart().pretrain().schedule());
    }
}

package dev.uqabench.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uqabench.base.UqaException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecoderConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QWEN = "{\"model_type\":\"qwen2\",\"vocab_size\":151936,\"hidden_size\":896,"
            + "\"intermediate_size\":4864,\"num_hidden_layers\":24,\"num_attention_heads\":14,\"num_key_value_heads\":2,"
            + "\"rope_theta\":1000000.0,\"tie_word_embeddings\":true,\"eos_token_id\":151645,"
            + "\"transformers_version\":\"4.43.1\",\"use_sliding_window\":false,\"sliding_window\":32768}";

    private static DecoderConfig parse(String json) throws Exception {
        try {
            return JSON.readValue(json, DecoderConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void qwen25HalfBillionConfigMapsEveryKey() throws Exception {
        DecoderConfig c = parse(QWEN);
        assertEquals(DecoderConfig.ModelType.QWEN2, c.type());
        assertEquals(64, c.headDim());
        assertEquals(7, c.kvGroupSize());
        assertTrue(c.qkvBias(), "Qwen2 always has q/k/v bias");
        assertFalse(c.outputBias());
        assertEquals(List.of(151645), c.eosTokenIds());
        assertEquals(1e-6, c.rmsNormEps());
    }

    @Test
    void llamaBiasFollowsAttentionBiasAndListEosIsAccepted() throws Exception {
        DecoderConfig c = parse(QWEN.replace("\"qwen2\"", "\"llama\"").replace("151645", "[128001, 128009]")
                .replace("\"tie_word_embeddings\":true", "\"attention_bias\":true"));
        assertTrue(c.qkvBias());
        assertTrue(c.outputBias());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(List.of(128001, 128009), c.eosTokenIds());
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertKey(QWEN.replace("\"num_key_value_heads\":2", "\"num_key_value_heads\":4"), "num_key_value_heads");
        assertKey(QWEN.replace("\"hidden_size\":896", "\"hidden_size\":0"), "hidden_size");
        assertKey(QWEN.replace("\"use_sliding_window\":false", "\"use_sliding_window\":true"), "use_sliding_window");
        assertKey(QWEN.replace("\"vocab_size\":151936,", ""), "vocab_size");
        assertKey(QWEN.replace("}", ",\"hidden_act\":\"gelu\"}"), "hidden_act");
        assertKey(QWEN.replace("}", ",\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0}}"),
                "rope_scaling.low_freq_factor");
        assertKey(QWEN.replace("}", ",\"rope_scaling\":{\"type\":\"dynamic\",\"factor\":2.0}}"), "rope_scaling.rope_type");
    }

    private static void assertKey(String json, String key) {
        UqaException e = assertThrows(UqaException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith("config key '" + key + "'"), e.getMessage());
    }
}

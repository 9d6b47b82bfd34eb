package ai.bonsai.api.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttributesTest {

    @Test
    void widensAndCopiesValues() {
        int[] stride = {2, 2};
        Attributes a = Attributes.of().with("groups", 4).with("eps", 1e-5f).with("stride", stride)
                .with("bias", true).with("mode", "nearest");
        stride[0] = 9;
        assertThat(a.getLong("groups")).isEqualTo(4L);
        assertThat(a.getInt("groups")).isEqualTo(4);
        assertThat(a.getDouble("eps")).isCloseTo(1e-5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.getLongs("stride")).containsExactly(2, 2);
        assertThat(a.getBoolean("bias")).isTrue();
        assertThat(a.getString("mode")).isEqualTo("nearest");
        assertThat(a.with("groups", 2).getLong("groups")).isEqualTo(2L);
        assertThat(a.getLong("groups")).isEqualTo(4L);
        assertThat(a).isEqualTo(Attributes.of().with("groups", 4L).with("eps", (double) 1e-5f)
                .with("stride", new long[] {2, 2}).with("bias", true).with("mode", "nearest"));
    }

    @Test
    void namesTheKeyOnMissingOrMistypedValues() {
        Attributes a = Attributes.of().with("groups", 4);
        assertThatThrownBy(() -> a.getLong("stride")).isInstanceOf(GraphException.class)
                .hasMessage("missing attribute 'stride' (present: [groups])");
        assertThatThrownBy(() -> a.getBoolean("groups")).isInstanceOf(GraphException.class)
                .hasMessage("attribute 'groups': expected Boolean, found Long");
        assertThatThrownBy(() -> a.with("x", new Object())).isInstanceOf(GraphException.class)
                .hasMessageStartingWith("attribute 'x': unsupported value type");
    }
}

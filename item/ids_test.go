package item

import "testing"

func TestPascal(t *testing.T) {
	for in, want := range map[string]string{"streamer": "Streamer", "my-app": "MyApp", "a-1-b": "A1B", "x9": "X9"} {
		if got := pascal(in); got != want {
			t.Errorf("pascal(%q) = %q, want %q", in, got, want)
		}
	}
}

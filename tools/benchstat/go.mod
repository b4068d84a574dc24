// benchstat, pinned apart from tools/go.mod: it would move golang.org/x/exp,
// x/text and x/crypto under golangci-lint, which is built against the
// versions tools/go.mod holds.
module github.com/paytoken/terraform-provider-paytoken/tools/benchstat

go 1.26.0

tool golang.org/x/perf/cmd/benchstat

require (
	github.com/aclements/go-moremath v0.0.0-20210112150236-f10218a38794 // indirect
	golang.org/x/perf v0.0.0-20260908200009-22c9c6c9d4da // indirect
)

//go:build !unix

package provider

import "testing"

const planBenchUnix = "the plan benchmarks read the provider processes' resource usage with wait4, which only Unix systems have: run them on Linux or macOS"

// BenchmarkPlan is in plan_bench_test.go.
func BenchmarkPlan(b *testing.B) { b.Skip(planBenchUnix) }

// BenchmarkPlanMerchants is in plan_bench_test.go.
func BenchmarkPlanMerchants(b *testing.B) { b.Skip(planBenchUnix) }

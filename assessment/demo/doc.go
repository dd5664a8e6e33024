// Package demo fills an empty store with a realistic, fictional province
// ("Tỉnh Hòa Bình Xanh") so the platform can be tried without real data:
// its departments, districts and a few communes, an account for every
// role, a past period that is published and a current period with forms
// in every state of the workflow.
//
// Everything goes through the assessment.Store interface and the workflow
// rules, exactly as the web application would; the data are generated from
// a seeded random source, so the same index, seed and date give the same
// demo. The package imports assessment and scoring only.
package demo

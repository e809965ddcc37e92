module rugo.example/go

go 1.19

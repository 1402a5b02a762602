kubectl get pods -A -o wide
kubectl run whoami --image subicura/whoami:1
kubectl run web --image=nginx:1.25
kubectl run bad --image=nginx:doesnotexist
kubectl run once --image=busybox --restart=Never
kubectl run crash --image=busybox
sleep 3
kubectl get pods -o wide
sleep 60
kubectl get pods -o wide
kubectl get events
kubectl get pod whoami -o json
